/**
 * Labels scrapers and detectors commonly use for the seeded categories. Matching is on the
 * lowercased, trimmed label; anything else is unknown.
 */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  entertainment: 'gossip',
  celebrity: 'gossip',
  celeb: 'gossip',
  연예: 'gossip',
  tech: 'it-science',
  technology: 'it-science',
  science: 'it-science',
  it: 'it-science',
  'it/science': 'it-science',
  travel: 'travel-food',
  food: 'travel-food',
  international: 'world',
  global: 'world',
  business: 'economy',
  finance: 'economy',
  money: 'economy',
  lifestyle: 'life',
  living: 'life',
  sport: 'sports',
  politic: 'politics',
  정치: 'politics',
  경제: 'economy',
  사회: 'society',
  생활: 'life',
  문화: 'culture',
  스포츠: 'sports',
  세계: 'world',
  건강: 'health',
  기타: 'other',
};

export function normaliseCategoryLabel(label: string): string {
  const lower = label.trim().toLowerCase();
  return CATEGORY_ALIASES[lower] ?? lower;
}
