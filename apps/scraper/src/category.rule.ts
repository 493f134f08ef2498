/**
 * The category of a scraped article (docs/scraper.md, "Category rule"):
 *
 * 1. The source's `category` hint wins when it is a slug of the master table.
 * 2. Otherwise every slug of the master table that has a keyword list gets a score over the title
 *    and the text: a keyword found in the title adds TITLE_WEIGHT; in the text it adds one per
 *    occurrence, at most TEXT_CAP per keyword (a long article repeating one word is not more sure).
 * 3. The best score wins if it reaches THRESHOLD; a tie goes to the slug listed first in the master
 *    table. Below the threshold the article is `other`.
 *
 * English keywords match whole words, case-insensitively; a trailing `*` matches any ending
 * (`econom*`: economy, economic, economists). Korean keywords match anywhere in a word, because
 * particles attach to the noun (`경제가`, `경제는`). Single-syllable Korean keywords are avoided: they
 * hide inside unrelated words.
 */
export const TITLE_WEIGHT = 3;
export const TEXT_CAP = 3;
export const THRESHOLD = 4;
export const FALLBACK = 'other';

export const CATEGORY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  politics: [
    'politic*', 'election*', 'parliament*', 'congress', 'senate', 'lawmaker*', 'president*', 'minister*', 'government*', 'ballot*',
    '정치', '국회', '대통령', '선거', '국회의원', '여당', '야당', '정당', '장관', '총리', '정부',
  ],
  economy: [
    'econom*', 'inflation', 'interest rate*', 'central bank', 'stock market*', 'stocks', 'bond yield*', 'investor*', 'gdp', 'export*',
    'tariff*', 'currency', 'recession', 'earnings', 'consumer prices',
    '경제', '금리', '물가', '주가', '증시', '투자', '수출', '환율', '은행', '기업', '시장', '매출', '부동산',
  ],
  society: [
    'police', 'court', 'crime*', 'accident*', 'protest*', 'prosecutor*', 'trial', 'welfare', 'teacher*',
    '사회', '경찰', '법원', '사건', '사고', '검찰', '재판', '학교', '복지', '지방자치단체',
  ],
  life: [
    'lifestyle', 'household*', 'parenting', 'wedding*', 'shopping', 'pets', 'recipe*', 'single-person',
    '생활', '육아', '결혼', '쇼핑', '반려', '살림', '1인 가구', '소비자',
  ],
  culture: [
    'museum*', 'exhibition*', 'novel*', 'film festival*', 'theater', 'theatre', 'artist*', 'opera', 'literature',
    '문화', '전시', '공연', '박물관', '미술', '소설', '영화제', '문학',
  ],
  gossip: [
    'celebrit*', 'idol*', 'k-pop', 'kpop', 'singer*', 'actor*', 'actress*', 'album*', 'comeback', 'scandal*', 'showcase',
    '연예', '아이돌', '가수', '배우', '드라마', '컴백', '앨범', '열애', '예능', '걸그룹', '보이그룹', '소속사', '뮤직비디오', '쇼케이스',
  ],
  sports: [
    'league', 'championship*', 'tournament*', 'baseball', 'football', 'soccer', 'basketball', 'olympic*', 'world cup', 'striker*',
    'pitcher*', 'goalkeeper*', 'final score',
    '스포츠', '리그', '우승', '감독', '선수', '야구', '축구', '농구', '배구', '올림픽', '월드컵', '타자', '투수', '한국시리즈',
  ],
  'it-science': [
    'robot*', 'ai', 'artificial intelligence', 'software', 'chip*', 'semiconductor*', 'smartphone*', 'researcher*', 'scientist*',
    'technolog*', 'startup*', 'algorithm*', 'laboratory', 'lab',
    '과학', '기술', '로봇', '인공지능', '반도체', '스마트폰', '연구진', '소프트웨어', '우주', '스타트업',
  ],
  world: [
    'foreign', 'international', 'united nations', 'war', 'embassy', 'diplomat*', 'overseas', 'summit',
    '세계', '국제', '외교', '해외', '전쟁', '유엔', '정상회담',
  ],
  health: [
    'health*', 'hospital*', 'doctor*', 'disease*', 'patient*', 'sleep*', 'nap', 'naps', 'diet*', 'exercise', 'vaccine*', 'medical',
    'cancer', 'insomnia', 'physician*',
    '건강', '병원', '의사', '질병', '환자', '수면', '운동', '다이어트', '백신', '의료', '불면증',
  ],
  'travel-food': [
    'travel*', 'trip*', 'tourism', 'tourist*', 'hotel*', 'restaurant*', 'camping', 'campsite*', 'glamping', 'flight*', 'beach*', 'cuisine',
    '여행', '관광', '맛집', '캠핑', '글램핑', '호텔', '항공', '숙소', '식당', '휴가', '아웃도어',
  ],
};

export interface CategoryDecision {
  slug: string;
  /** `hint`, `keywords` or `fallback`. */
  by: 'hint' | 'keywords' | 'fallback';
  score: number;
}

interface Matcher {
  slug: string;
  count(text: string): number;
}

/** Compiled once per master table. */
export class CategoryRule {
  private readonly slugs: readonly string[];
  private readonly matchers: Matcher[][];

  constructor(masterSlugs: readonly string[], keywords: Readonly<Record<string, readonly string[]>> = CATEGORY_KEYWORDS) {
    this.slugs = masterSlugs;
    this.matchers = masterSlugs.map((slug) => (keywords[slug] ?? []).map((keyword) => compile(slug, keyword)));
  }

  decide(input: { hint?: string | null; title: string; text: string }): CategoryDecision {
    const hint = input.hint?.trim().toLowerCase();
    if (hint && this.slugs.includes(hint)) return { slug: hint, by: 'hint', score: 0 };
    const title = input.title.normalize('NFKC').toLowerCase();
    const text = input.text.normalize('NFKC').toLowerCase();
    let best: { slug: string; score: number } | null = null;
    for (const matchers of this.matchers) {
      let score = 0;
      for (const matcher of matchers) {
        if (matcher.count(title) > 0) score += TITLE_WEIGHT;
        score += Math.min(TEXT_CAP, matcher.count(text));
      }
      if (matchers.length > 0 && (best === null || score > best.score)) best = { slug: matchers[0]!.slug, score };
    }
    if (best && best.score >= THRESHOLD) return { slug: best.slug, by: 'keywords', score: best.score };
    return { slug: this.slugs.includes(FALLBACK) ? FALLBACK : (this.slugs.at(-1) ?? FALLBACK), by: 'fallback', score: best?.score ?? 0 };
  }
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

function compile(slug: string, keyword: string): Matcher {
  const lower = keyword.toLowerCase();
  if (HANGUL.test(lower)) {
    return { slug, count: (text) => countSubstring(text, lower) };
  }
  const prefix = lower.endsWith('*');
  const body = escape(prefix ? lower.slice(0, -1) : lower).replace(/ /g, '\\s+');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}${prefix ? '[\\p{L}\\p{N}]*' : ''}(?![\\p{L}\\p{N}])`, 'gu');
  return {
    slug,
    count: (text) => {
      pattern.lastIndex = 0;
      let n = 0;
      while (pattern.exec(text) !== null && n < 100) n++;
      return n;
    },
  };
}

function countSubstring(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1 && n < 100; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
