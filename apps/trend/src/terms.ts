/**
 * Label terms of a text, Korean first. Character n-grams and `Intl.Segmenter` leave Korean
 * particles (조사) on the noun (`캠핑이`, `캠핑을`, `캠핑으로`), so every word form would be its own
 * term: here a particle or a short ending is stripped when a stem of two syllables or more remains,
 * predicate forms (`밝혔다`, `늘었다`) and function words are dropped, and adjacent content words of
 * one phrase (no particle between them) make a compound candidate (`주말 캠핑`).
 */

/** Longest first: the first match wins. Only stripped when at least two characters remain. */
const PARTICLES = [
  '에서부터', '으로부터', '에게서는', '이라는', '에서는', '에서도', '으로는', '으로도', '으로서', '으로써', '에게는', '까지는', '부터는',
  '이라고', '라고는', '처럼', '보다', '에서', '에게', '한테', '까지', '부터', '마저', '조차', '으로', '이나', '이며', '이고', '에는', '와의', '과의',
  '께서', '라는', '이란', '만큼', '들이', '들을', '들은', '들의', '들도', '들과', '들에',
  '은', '는', '이', '가', '을', '를', '에', '의', '와', '과', '로', '도', '만', '께', '들',
];
/** A word ending like this is a predicate or connective, not a label (했다, 늘었다, 밝히며, 있는). */
const PREDICATE_ENDINGS = ['습니다', '니다', '했다', '한다', '된다', '됐다', '였다', '었다', '았다', '겠다', '이다', '있다', '없다', '하며', '하고', '해서', '하는', '되는', '있는', '없는', '했고', '했으며', '이며', '으며', '면서', '지만', '는데', '다고', '라며', '다며', '다'];

/** Nouns whose last syllable looks like a particle (어린이, 전문가, 고속도로): never cut. */
const PROTECTED_ENDINGS = [
  '어린이', '고양이', '놀이', '먹이', '전문가', '작곡가', '예술가', '사업가', '투자가', '평론가', '물가', '주가', '유가', '효과', '결과', '성과',
  '학과', '도로', '대로', '경기도', '제주도', '강원도', '울릉도', '독도', '참가', '증가', '평가', '인기', '공기', '경기', '사이', '나이', '차이',
];

const KO_STOP = new Set([
  '기자', '뉴스', '이번', '지난', '올해', '작년', '내년', '오늘', '어제', '최근', '현재', '당시', '이후', '이전', '관련', '대한', '대해', '위해', '통해', '따라', '따르면', '의하면',
  '가운데', '정도', '이상', '이하', '경우', '때문', '그러나', '하지만', '그리고', '또한', '특히', '모두', '가장', '매우', '많이', '이런', '그런', '이날', '한편', '것으로', '것이',
  '만에', '만의', '같은', '다른', '모든', '위한', '통한', '대한', '이런', '있다', '없다', '하다', '되다', '했다', '한다', '밝혔다', '말했다', '전했다', '설명했다', '무단', '전재', '재배포', '금지', '저작권', '사진', '제공', '연합뉴스', '등의', '등을',
]);
const EN_STOP = new Set(
  ('a an the and or but if of to in on at by for with from as is are was were be been being has have had do does did it its this that these those ' +
    'he she they we you i his her their our your them us not no so than then there here about into over after before more most less least very ' +
    'said says say will would could should may might can also just only new one two three year years week weeks day days time times according ' +
    'reported report reports news today yesterday percent per cent mr ms up out who what when where which while how all any some such other').split(' '),
);

const HANGUL = /\p{Script=Hangul}/u;

export interface Token {
  term: string;
  /** A particle or ending was cut off: the phrase ends after this word. */
  phraseEnd: boolean;
}

/** The content words of a text in order, particles stripped, stop words and predicates dropped (as null). */
export function tokens(text: string): (Token | null)[] {
  const out: (Token | null)[] = [];
  const words = text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}~]+/u);
  for (const raw of words) {
    if (raw === '') continue;
    const word = raw.replace(/^~+|~+$/g, '');
    if (word === '') continue;
    if (HANGUL.test(word)) out.push(koreanToken(word));
    else out.push(otherToken(word));
  }
  return out;
}

function koreanToken(word: string): Token | null {
  for (const ending of PREDICATE_ENDINGS) {
    // A lone '다' ends a few nouns too (바다); only longer words are taken for predicates.
    const min = ending === '다' ? 3 : ending.length + 1;
    if (word.length >= min && word.endsWith(ending)) return null;
  }
  let stem = word;
  let phraseEnd = false;
  if (PROTECTED_ENDINGS.some((end) => word.endsWith(end))) return KO_STOP.has(word) ? null : { term: word, phraseEnd: false };
  for (const particle of PARTICLES) {
    if (stem.endsWith(particle) && [...stem].length - [...particle].length >= 2) {
      stem = stem.slice(0, stem.length - particle.length);
      phraseEnd = true;
      break;
    }
  }
  if ([...stem].length < 2 || KO_STOP.has(stem) || KO_STOP.has(word)) return null;
  return { term: stem, phraseEnd };
}

function otherToken(word: string): Token | null {
  if (/^\d+$/.test(word)) return null;
  if (word.length < 3 && !/\d/.test(word)) return null;
  if (EN_STOP.has(word)) return null;
  // Light English plural folding (trends -> trend), not for -ss or short words.
  const term = word.length > 4 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is') ? word.slice(0, -1) : word;
  return { term, phraseEnd: false };
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * The terms of one article, best first: title words count three times the lead's, with sublinear
 * term frequency; compounds of two adjacent content words of the title count as terms too.
 */
export function articleTerms(title: string, lead: string, max = 20): WeightedTerm[] {
  const tf = new Map<string, number>();
  const add = (term: string, weight: number) => tf.set(term, (tf.get(term) ?? 0) + weight);
  const titleTokens = tokens(title);
  for (const token of titleTokens) if (token) add(token.term, 3);
  for (let i = 0; i + 1 < titleTokens.length; i++) {
    const a = titleTokens[i];
    const b = titleTokens[i + 1];
    if (a && b && !a.phraseEnd && a.term !== b.term) add(`${a.term} ${b.term}`, 2);
  }
  for (const token of tokens(lead)) if (token) add(token.term, 1);
  return [...tf.entries()]
    .map(([term, weight]) => ({ term: term.slice(0, 64), weight: Math.round((1 + Math.log(weight)) * 1000) / 1000 }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, max);
}

/**
 * Label terms of a cluster from its [term, documents] counts: a compound that most of its parts'
 * documents share replaces its parts; otherwise the single words. Most documents first.
 */
export function labelTerms(counts: [string, number][], max = 5): string[] {
  const docs = new Map(counts);
  const chosen: string[] = [];
  const covered = new Set<string>();
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (b[0].includes(' ') ? 1 : 0) - (a[0].includes(' ') ? 1 : 0));
  for (const [term, n] of ranked) {
    if (chosen.length >= max) break;
    if (covered.has(term)) continue;
    if (term.includes(' ')) {
      const parts = term.split(' ');
      const partDocs = Math.max(...parts.map((p) => docs.get(p) ?? 0));
      if (partDocs > 0 && n < 0.6 * partDocs) continue;
      chosen.push(term);
      covered.add(term);
      for (const p of parts) covered.add(p);
      continue;
    }
    // A compound of this word that nearly all its documents share speaks better than the word.
    const compound = ranked.find(([t, m]) => t.includes(' ') && t.split(' ').includes(term) && m >= 0.6 * n && !chosen.includes(t));
    if (compound && compound[1] >= 2) {
      chosen.push(compound[0]);
      covered.add(compound[0]);
      for (const p of compound[0].split(' ')) covered.add(p);
      continue;
    }
    chosen.push(term);
    covered.add(term);
  }
  return chosen;
}
