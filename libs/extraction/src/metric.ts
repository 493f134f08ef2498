// The scoring of the article-extraction benchmark (upstream `evaluate.py` of
// scrapinghub/article-extraction-benchmark), reproduced exactly so that our figures can be
// compared with the published ones.

const TOKEN = /[\p{L}\p{N}_]+/gu;

export interface PageScore {
  /** tp, fp, fn normalised by tp + fp + fn (all zero when the sum is zero). */
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** True when the token lists are identical. */
  exact: boolean;
}

export interface CorpusScore {
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
  pages: number;
}

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Multiset of 4-gram shingles; 1 to 3 tokens give one shorter shingle, none gives none. */
export function shingles(tokens: readonly string[], n = 4): Map<string, number> {
  const counts = new Map<string, number>();
  if (tokens.length === 0) return counts;
  const last = Math.max(1, tokens.length - (n - 1));
  for (let i = 0; i < last; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function scorePage(truth: string, prediction: string): PageScore {
  return compare(tokenize(truth), tokenize(prediction), 4);
}

/**
 * Scores on characters, for scripts written without spaces, where a "word" of the upstream metric
 * is a whole clause: `n` = 1 compares the texts as multisets of letters and digits (what the
 * Korean and CJK benches call "F1 on characters"); `n` = 2 compares character bigrams taken inside
 * the runs of letters and digits, so that a space invented inside a word ("科 技") costs a bigram,
 * as it costs a word to a segmenting scorer.
 */
export function scoreCharacters(truth: string, prediction: string, n: 1 | 2): PageScore {
  return compare(characterTokens(truth, n), characterTokens(prediction, n), 1);
}

function characterTokens(text: string, n: 1 | 2): string[] {
  const out: string[] = [];
  for (const run of tokenize(text)) {
    const chars = [...run];
    if (n === 1 || chars.length === 1) {
      out.push(...(n === 1 ? chars : [run]));
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

function compare(truthTokens: string[], predTokens: string[], n: number): PageScore {
  const t = shingles(truthTokens, n);
  const p = shingles(predTokens, n);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, tc] of t) {
    const pc = p.get(key) ?? 0;
    tp += Math.min(tc, pc);
    fn += Math.max(0, tc - pc);
  }
  for (const [key, pc] of p) {
    const tc = t.get(key) ?? 0;
    fp += Math.max(0, pc - tc);
  }
  const total = tp + fp + fn;
  if (total > 0) {
    tp /= total;
    fp /= total;
    fn /= total;
  }
  const precision = fp === 0 && fn === 0 ? 1 : tp === 0 && fp === 0 ? 0 : tp / (tp + fp);
  const recall = fp === 0 && fn === 0 ? 1 : tp === 0 && fn === 0 ? 0 : tp / (tp + fn);
  const exact =
    truthTokens.length === predTokens.length && truthTokens.every((token, i) => token === predTokens[i]);
  return { tp, fp, fn, precision, recall, exact };
}

/** Precision and recall are means over the pages where they are defined; F1 comes from the means. */
export function scoreCorpus(pages: readonly PageScore[]): CorpusScore {
  let pSum = 0;
  let pCount = 0;
  let rSum = 0;
  let rCount = 0;
  let exact = 0;
  for (const page of pages) {
    if (page.tp + page.fp > 0) {
      pSum += page.precision;
      pCount++;
    }
    if (page.tp + page.fn > 0) {
      rSum += page.recall;
      rCount++;
    }
    if (page.exact) exact++;
  }
  const precision = pCount > 0 ? pSum / pCount : 0;
  const recall = rCount > 0 ? rSum / rCount : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall, accuracy: pages.length > 0 ? exact / pages.length : 0, pages: pages.length };
}

/** Standard deviation of a corpus statistic over bootstrap resamples of the pages (seeded). */
export function bootstrapSpread(
  pages: readonly PageScore[],
  pick: (score: CorpusScore) => number,
  resamples = 1000,
  seed = 42,
): number {
  if (pages.length === 0) return 0;
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: a small deterministic generator so that runs are reproducible.
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample: PageScore[] = [];
    for (let i = 0; i < pages.length; i++) sample.push(pages[Math.floor(random() * pages.length)]!);
    values.push(pick(scoreCorpus(sample)));
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance);
}
