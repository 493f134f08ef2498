import type { TrendClusterV1, TrendStageV1 } from '#contracts';

/** Knobs of the burst detector (see docs/trend.md for the defaults and why). */
export interface BurstConfig {
  binSeconds: number;
  /** Bins of history the detector looks at (and asks the catalog for). */
  historyBins: number;
  /** Span of the EWMA baseline in bins (alpha = 2 / (span + 1)). */
  ewmaBins: number;
  /** Articles per bin a cluster is assumed to have before it has history. */
  priorRate: number;
  /** Fewest articles in the burst window for a first detection. */
  minArticles: number;
  /** z-score against the baseline to call a bin bursty. */
  zEnter: number;
  /** Kleinberg: burst state rate = ratio x baseline; cost of entering the burst state. */
  burstRatio: number;
  burstCost: number;
  /** Peaking: the latest complete bin fell below this share of the burst's highest bin. */
  peakDrop: number;
  /**
   * A cluster born this many bins ago or less has no baseline: it emerges as soon as it holds
   * `minArticles` (a fresh pair of similar articles). 0 turns this off (the bench does).
   */
  newWindowBins: number;
}

export interface BinSeries {
  /** Articles per bin, oldest first; the last one is the current (partial) bin. */
  counts: number[];
  /** Index of the first bin the cluster existed in (earlier ones are not zeros, they are unknown). */
  born: number;
  /** Start of the first bin of `counts`, ms. */
  startMs: number;
}

export interface Decision {
  toStage: TrendStageV1;
  score: number;
  growth: number;
  binStartMs: number;
  windowStartMs: number;
  windowEndMs: number;
  baseline: number;
  count: number;
}

export function binStart(ms: number, binSeconds: number): number {
  const size = binSeconds * 1000;
  return Math.floor(ms / size) * size;
}

/** The cluster's sparse bins as a dense series ending at the bin of `nowMs`. */
export function series(cluster: TrendClusterV1, nowMs: number, config: BurstConfig): BinSeries {
  const size = config.binSeconds * 1000;
  const current = binStart(nowMs, config.binSeconds);
  const length = config.historyBins + 1;
  const startMs = current - config.historyBins * size;
  const counts = new Array<number>(length).fill(0);
  for (const bin of cluster.bins) {
    const index = Math.round((Date.parse(bin.binStart) - startMs) / size);
    if (index >= 0 && index < length) counts[index]! += bin.articles;
  }
  const bornIndex = Math.round((binStart(Date.parse(cluster.firstSeenAt), config.binSeconds) - startMs) / size);
  return { counts, born: Math.max(0, Math.min(length - 1, bornIndex)), startMs };
}

/**
 * The baseline of the complete bins after the one the cluster was born in, up to (not including)
 * `until`: their EWMA (the prior when there is none), never below the prior.
 */
export function baselineBefore(s: BinSeries, until: number, config: BurstConfig): number {
  return baselineWithHistory(s, until, config).rate;
}

/**
 * The baseline and how many bins of evidence it rests on.
 *
 * - The bin the cluster was born in is not history: it holds the article that opened the cluster
 *   and only the rest of its hour (a cluster born at :50 counts 1 there), so a new topic's first
 *   full bin is judged against the prior, not against its own first minutes.
 * - The EWMA (span `ewmaBins`) weighs the bin `age` bins back by (1 - alpha)^age, normalized over
 *   the bins there are: with a short history it is their plain mean, not the first bin carried
 *   forward (which kept most of its weight for a day).
 * - Its evidence, 1 / sum(w^2) of the normalized weights: the number of bins for a short history,
 *   about the span for a long one; 0 with no history (the prior's rate).
 */
export function baselineWithHistory(s: BinSeries, until: number, config: BurstConfig): { rate: number; bins: number } {
  const first = s.born + 1;
  if (until <= first) return { rate: config.priorRate, bins: 0 };
  const keep = 1 - 2 / (config.ewmaBins + 1);
  let sum = 0;
  let weights = 0;
  let squares = 0;
  let w = 1;
  for (let i = until - 1; i >= first; i--) {
    sum += w * s.counts[i]!;
    weights += w;
    squares += w * w;
    w *= keep;
  }
  return { rate: Math.max(sum / weights, config.priorRate), bins: (weights * weights) / squares };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * P(X >= x) for the count of a bin whose expected rate is `rate`, estimated from `bins` bins of
 * history: a Poisson count whose rate is itself uncertain (Gamma with mean `rate` and `bins` bins of
 * evidence), i.e. negative binomial with variance rate (1 + 1/bins); plain Poisson when `bins` is 0
 * (the prior, no history). Summed upwards from x, so tails of 1e-12 are exact.
 */
export function countTail(x: number, rate: number, bins: number): number {
  if (x <= 0) return 1;
  const poisson = !(bins > 0);
  const r = bins * rate;
  const q = poisson ? 0 : bins / (bins + 1);
  let log = poisson
    ? x * Math.log(rate) - rate - logGamma(x + 1)
    : logGamma(x + r) - logGamma(r) - logGamma(x + 1) + r * Math.log(q) + x * Math.log(1 - q);
  let term = Math.exp(log);
  let sum = 0;
  for (let k = x; k < x + 100_000; k++) {
    sum += term;
    const ratio = poisson ? rate / (k + 1) : ((k + r) / (k + 1)) * (1 - q);
    if (ratio < 1 && term * ratio < sum * 1e-12) break;
    log += Math.log(ratio);
    term = Math.exp(log);
  }
  return Math.min(1, sum);
}

/** P(Z >= z) of a standard normal, by Simpson's rule (used once per threshold). */
export function normalTail(z: number): number {
  const steps = 4000;
  const to = z + 12;
  const h = (to - z) / steps;
  const f = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
  let sum = f(z) + f(to);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * f(z + i * h);
  return (sum * h) / 3;
}

const tailOfZ = new Map<number, number>();
/** The tail probability a z-score threshold stands for (cached per threshold). */
function tailAt(z: number): number {
  let p = tailOfZ.get(z);
  if (p === undefined) tailOfZ.set(z, (p = normalTail(z)));
  return p;
}

function poissonCost(count: number, rate: number): number {
  // -log P(count | rate) without the log(count!) term, which both states share.
  return rate - count * Math.log(rate);
}

/**
 * Kleinberg's two-state automaton over Poisson counts: state 0 emits at the baseline, state 1 at
 * `ratio` times it; entering state 1 costs `cost`, leaving is free. Returns the Viterbi states.
 */
export function kleinberg(counts: number[], baseline: number, ratio: number, cost: number): number[] {
  const r0 = Math.max(baseline, 1e-6);
  const r1 = r0 * ratio;
  let c0 = 0;
  let c1 = cost;
  const back: [number, number][] = [];
  for (const x of counts) {
    const from0 = Math.min(c0, c1) === c0 ? 0 : 1;
    const stay0 = Math.min(c0, c1);
    const via1 = c0 + cost <= c1 ? 0 : 1;
    const stay1 = Math.min(c0 + cost, c1);
    back.push([from0, via1]);
    c0 = stay0 + poissonCost(x, r0);
    c1 = stay1 + poissonCost(x, r1);
  }
  const states = new Array<number>(counts.length);
  let state = c1 < c0 ? 1 : 0;
  for (let i = counts.length - 1; i >= 0; i--) {
    states[i] = state;
    state = back[i]![state]!;
  }
  return states;
}

/**
 * The lifecycle step a cluster should take now, or null. Evaluated whenever an article joins it,
 * with the current bin still filling: a burst can be called within its first bin.
 *
 * - new/fading -> emerging: the current bin's count reaches `minArticles`, its z-score against the
 *   EWMA baseline of the bins before it reaches `zEnter`, and the Kleinberg automaton is in its
 *   burst state at the current bin. A cluster younger than `newWindowBins` has no baseline: it
 *   emerges once it holds `minArticles` (a fresh pair of similar articles).
 * - emerging -> peaking: a complete bin after the emergence fell below `peakDrop` of the highest.
 * - emerging/peaking -> fading: the latest complete bin is back within one standard deviation of the
 *   baseline the cluster had before the burst.
 */
export function decide(cluster: TrendClusterV1, nowMs: number, config: BurstConfig): Decision | null {
  const s = series(cluster, nowMs, config);
  const last = s.counts.length - 1;
  const size = config.binSeconds * 1000;
  const currentStart = s.startMs + last * size;
  const stage = cluster.stage;
  // A late or repeated article does not take the cluster back in time: steps only go forward.
  if (cluster.stageAt !== null && currentStart < binStart(Date.parse(cluster.stageAt), config.binSeconds)) return null;
  if (stage === 'new' || stage === 'fading') {
    const young = config.newWindowBins > 0 && stage === 'new' && last - s.born < config.newWindowBins;
    if (young) {
      let count = 0;
      for (let i = s.born; i <= last; i++) count += s.counts[i]!;
      if (count < config.minArticles) return null;
      const expected = config.priorRate * (last - s.born + 1);
      return {
        toStage: 'emerging',
        score: round((count - expected) / Math.sqrt(Math.max(expected, config.priorRate))),
        growth: round(count / expected),
        binStartMs: currentStart,
        windowStartMs: s.startMs + s.born * size,
        windowEndMs: currentStart + size,
        baseline: expected,
        count,
      };
    }
    const { rate: baseline, bins } = baselineWithHistory(s, last, config);
    const count = s.counts[last]!;
    const z = (count - baseline) / Math.sqrt(Math.max(baseline, config.priorRate));
    if (count < config.minArticles || z < config.zEnter) return null;
    // As unlikely as z standard deviations of a normal, counted in the count's own distribution:
    // Poisson tails are heavier than the normal's at small rates, and a short history knows its rate
    // less well (see countTail).
    if (countTail(count, baseline, bins) > tailAt(config.zEnter)) return null;
    const from = Math.max(s.born, last - 23);
    const states = kleinberg(s.counts.slice(from, last + 1), baseline, config.burstRatio, config.burstCost);
    if (states[states.length - 1] !== 1) return null;
    let first = states.length - 1;
    while (first > 0 && states[first - 1] === 1) first--;
    return { toStage: 'emerging', score: round(z), growth: round(count / baseline), binStartMs: currentStart, windowStartMs: s.startMs + (from + first) * size, windowEndMs: currentStart + size, baseline, count };
  }
  if (!cluster.stageAt) return null;
  const stageIndex = Math.max(s.born, Math.round((binStart(Date.parse(cluster.stageAt), config.binSeconds) - s.startMs) / size));
  if (stageIndex >= last) return null;
  const before = baselineBefore(s, Math.max(s.born, stageIndex), config);
  const lastComplete = s.counts[last - 1]!;
  const window = { windowStartMs: s.startMs + Math.max(0, stageIndex) * size, windowEndMs: currentStart + size };
  if (lastComplete <= before + Math.sqrt(Math.max(before, config.priorRate))) {
    return { toStage: 'fading', score: round((lastComplete - before) / Math.sqrt(Math.max(before, config.priorRate))), growth: round(lastComplete / before), binStartMs: currentStart, ...window, baseline: before, count: lastComplete };
  }
  if (stage === 'emerging') {
    let peak = 0;
    for (let i = Math.max(0, stageIndex); i < last; i++) peak = Math.max(peak, s.counts[i]!);
    if (lastComplete < config.peakDrop * peak) {
      return { toStage: 'peaking', score: round((peak - before) / Math.sqrt(Math.max(before, config.priorRate))), growth: round(peak / before), binStartMs: currentStart, ...window, baseline: before, count: peak };
    }
  }
  return null;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
