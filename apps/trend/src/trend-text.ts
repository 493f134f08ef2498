import type { TrendStageV1 } from '#contracts';

/** The detector name of the template writer, stored with every trend text it wrote. */
export const TEMPLATE_DETECTOR = 'trend-stage:template';

export interface TextInput {
  stage: Exclude<TrendStageV1, 'new'>;
  labels: string[];
  title: string | null;
  lang: string | null;
  articles: number;
  growth: number;
}

const KO_STAGE = { emerging: '급증', peaking: '정점', fading: '감소세' } as const;
const EN_STAGE = { emerging: 'Rising', peaking: 'Peaking', fading: 'Fading' } as const;

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function times(growth: number): string {
  return growth >= 10 ? String(Math.round(growth)) : (Math.round(growth * 10) / 10).toString();
}

/**
 * One or two lines from the label terms and the representative title, in the article's language
 * (Korean unless it says otherwise). A chat model may phrase it better later; this is recorded as
 * the template's work.
 */
export function trendText(input: TextInput): string {
  const korean = input.lang === null || input.lang.toLowerCase().startsWith('ko') || (input.title !== null && /\p{Script=Hangul}/u.test(input.title));
  const labels = input.labels.slice(0, 3);
  const title = input.title ? clip(input.title.replace(/\s+/g, ' ').trim(), 120) : null;
  if (korean) {
    const topic = labels.length > 0 ? labels.join('·') : (title ?? '새 주제');
    const first = `${topic} 관련 보도 ${KO_STAGE[input.stage]}`;
    const second = title
      ? `"${title}" 등 기사 ${input.articles}건${input.stage === 'emerging' && input.growth >= 2 ? `, 평소의 ${times(input.growth)}배` : ''}`
      : `기사 ${input.articles}건`;
    return clip(`${first}\n${second}`, 1000);
  }
  const topic = labels.length > 0 ? labels.join(', ') : (title ?? 'a new topic');
  const first = `${EN_STAGE[input.stage]}: ${topic}`;
  const second = title
    ? `"${title}" and ${input.articles - 1} more article${input.articles === 2 ? '' : 's'}${input.stage === 'emerging' && input.growth >= 2 ? `, ${times(input.growth)}x the usual rate` : ''}`
    : `${input.articles} articles`;
  return clip(`${first}\n${second}`, 1000);
}
