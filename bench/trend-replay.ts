// The burst detector alone on the bench's streams, over many seeds, in seconds: each topic is one
// cluster (perfect clustering), articles come one at a time in event order, no NATS, no catalog.
// What it measures is the detector's statistics (false alarms of steady Poisson topics, recall and
// delay of planted bursts), apart from clustering and delivery order, which `npm run bench:trend`
// adds. No sweep (fading on a clock does not change emergences).
//
//   node dist/bench/trend-replay.js                       seeds 1-20, the bench's defaults
//   node dist/bench/trend-replay.js --seeds 1-50 --z 3.25
import type { TrendClusterV1 } from '#contracts';
import { decide, type BurstConfig } from '../apps/trend/src/burst.js';
import { generateStream } from './trend-stream.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1]!;
}

const BIN_MS = 3_600_000;
const START = Date.parse('2026-05-01T00:00:00Z');
const WARMUP_HOURS = 24;
const [from, to] = option('seeds', '1-20').split('-').map(Number) as [number, number];
const config: BurstConfig = {
  binSeconds: 3600,
  historyBins: 72,
  ewmaBins: 24,
  priorRate: 0.05,
  minArticles: 2,
  zEnter: Number(option('z', '3.5')),
  burstRatio: 3,
  burstCost: 4,
  peakDrop: 0.8,
  newWindowBins: 0,
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

let found = 0;
let planted = 0;
let alarms = 0;
let postWarmup = 0;
const delays: number[] = [];
const perSeed: number[] = [];
for (let seed = from; seed <= (to ?? from); seed++) {
  const stream = generateStream({ seed, hours: Number(option('hours', '96')), warmupHours: WARMUP_HOURS, backgroundTopics: 30, bursts: Number(option('bursts', '12')), startMs: START });
  const clusters = new Map<number, TrendClusterV1 & { counts: Map<string, number> }>();
  const events: { topic: number; at: number }[] = [];
  for (const a of stream.articles) {
    let c = clusters.get(a.topic);
    if (!c) {
      const at = new Date(a.at).toISOString();
      c = { clusterId: a.topic + 1, space: 'replay', memberCount: 0, mediaMemberCount: 0, category: null, firstSeenAt: at, lastSeenAt: at, stage: 'new', stageAt: null, trendId: null, representativeArticleId: null, terms: [], mergedInto: null, bins: [], counts: new Map() };
      clusters.set(a.topic, c);
    }
    const bin = new Date(Math.floor(a.at / BIN_MS) * BIN_MS).toISOString();
    c.counts.set(bin, (c.counts.get(bin) ?? 0) + 1);
    c.bins = [...c.counts.entries()].map(([binStart, articles]) => ({ binStart, articles }));
    c.lastSeenAt = new Date(a.at).toISOString();
    const step = decide(c, a.at, config);
    if (step && step.toStage !== 'new') {
      if (step.toStage === 'emerging') events.push({ topic: a.topic, at: a.at });
      c.stage = step.toStage;
      c.stageAt = new Date(a.at).toISOString();
    }
  }
  const warmupEnd = START + WARMUP_HOURS * BIN_MS;
  const explained = new Set<object>();
  let hits = 0;
  for (const b of stream.bursts) {
    const mine = events.filter((e) => e.topic === b.topic && e.at >= b.startMs - BIN_MS && e.at <= b.endMs + BIN_MS);
    for (const e of mine) explained.add(e);
    if (mine.length > 0) {
      hits++;
      delays.push((mine[0]!.at - b.startMs) / 60_000);
    }
  }
  const falseAlarms = events.filter((e) => e.at >= warmupEnd && !explained.has(e)).length;
  const articles = stream.articles.filter((a) => a.at >= warmupEnd).length;
  found += hits;
  planted += stream.bursts.length;
  alarms += falseAlarms;
  postWarmup += articles;
  perSeed.push((falseAlarms / articles) * 1000);
  process.stdout.write(`seed ${seed}: recall ${(hits / stream.bursts.length).toFixed(3)}, false alarms ${((falseAlarms / articles) * 1000).toFixed(2)} per 1,000 (${falseAlarms})\n`);
}
const result = {
  seeds: perSeed.length,
  z_enter: config.zEnter,
  recall: Math.round((found / planted) * 1000) / 1000,
  median_delay_min: Math.round(median(delays)),
  false_alarms_per_1k_articles: Math.round((alarms / postWarmup) * 1000 * 100) / 100,
  worst_seed_false_alarms_per_1k: Math.round(Math.max(...perSeed) * 100) / 100,
};
process.stdout.write(`all seeds: recall ${result.recall}, median delay ${result.median_delay_min} min, false alarms ${result.false_alarms_per_1k_articles} per 1,000 (worst seed ${result.worst_seed_false_alarms_per_1k})\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
