import { CommonEnv, loadEnv } from '#config';
import { z } from 'zod';
import type { BurstConfig } from './burst.js';

const stages = z
  .string()
  .default('emerging')
  .transform((text) => text.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(z.array(z.enum(['emerging', 'peaking', 'fading'])).min(1, 'name at least one of emerging, peaking, fading'));

/** The variables of the trend stage (docs/trend.md explains each default). */
export const TrendEnv = {
  ...CommonEnv,
  TREND_BIN_MINUTES: z.coerce.number().int().min(1).max(43_200).default(60),
  /** Cosine similarity to a centroid to join it; spaces of the stand-in embedder use their own. */
  TREND_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.55),
  TREND_SIMILARITY_STANDIN: z.coerce.number().min(-1).max(1).default(0.2),
  TREND_MERGE_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.9),
  TREND_MERGE_SIMILARITY_STANDIN: z.coerce.number().min(-1).max(1).default(0.75),
  TREND_LIVE_HOURS: z.coerce.number().min(1).max(8760).default(168),
  TREND_HISTORY_BINS: z.coerce.number().int().min(2).max(1000).default(72),
  TREND_EWMA_BINS: z.coerce.number().min(1).max(1000).default(24),
  TREND_PRIOR_RATE: z.coerce.number().positive().max(1000).default(0.05),
  TREND_MIN_ARTICLES: z.coerce.number().int().min(1).max(10_000).default(2),
  TREND_Z_ENTER: z.coerce.number().min(0).max(100).default(3.5),
  TREND_BURST_RATIO: z.coerce.number().min(1.01).max(100).default(3),
  TREND_BURST_COST: z.coerce.number().min(0).max(100).default(4),
  TREND_PEAK_DROP: z.coerce.number().min(0).max(1).default(0.8),
  /** A cluster younger than this emerges on TREND_MIN_ARTICLES alone (a fresh catalog); 0 = off. */
  TREND_NEW_WINDOW_HOURS: z.coerce.number().min(0).max(8760).default(48),
  /** Which lifecycle steps publish `trend.detected` (all are recorded in the catalog). */
  TREND_PUBLISH_STAGES: stages,
  /** Characters of the article text read for label terms (the title always counts). */
  TREND_TEXT_CHARS: z.coerce.number().int().min(0).max(100_000).default(2000),
  TREND_LABEL_TERMS: z.coerce.number().int().min(1).max(16).default(5),
  /** Articles assigned together (one catalog transaction), and how long a batch waits to fill. */
  TREND_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(64),
  TREND_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(20),
  /** Two parts of a cluster less similar than this split (the later part gets a new id); per space kind. */
  TREND_SPLIT_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.7),
  TREND_SPLIT_SIMILARITY_STANDIN: z.coerce.number().min(-1).max(1).default(0.55),
  /** Fewest members each part needs before a split; 0 = splits are not looked for. */
  TREND_SPLIT_MIN_MEMBERS: z.coerce.number().int().min(0).max(100_000).default(5),
  /** Every this many seconds the live trends are judged against their space's event clock (fading on a clock); 0 = off. */
  TREND_SWEEP_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
};

export interface TrendConfig {
  burst: BurstConfig;
  similarity: number;
  similarityStandIn: number;
  mergeSimilarity: number;
  mergeSimilarityStandIn: number;
  liveSeconds: number;
  publishStages: ('emerging' | 'peaking' | 'fading')[];
  textChars: number;
  labelTerms: number;
  batchSize: number;
  batchWaitMs: number;
  splitSimilarity: number;
  splitSimilarityStandIn: number;
  splitMinMembers: number;
  sweepMs: number;
}

export function loadTrendConfig(env: NodeJS.ProcessEnv): TrendConfig {
  const e = loadEnv(TrendEnv, env);
  const binSeconds = e.TREND_BIN_MINUTES * 60;
  return {
    burst: {
      binSeconds,
      historyBins: e.TREND_HISTORY_BINS,
      ewmaBins: e.TREND_EWMA_BINS,
      priorRate: e.TREND_PRIOR_RATE,
      minArticles: e.TREND_MIN_ARTICLES,
      zEnter: e.TREND_Z_ENTER,
      burstRatio: e.TREND_BURST_RATIO,
      burstCost: e.TREND_BURST_COST,
      peakDrop: e.TREND_PEAK_DROP,
      newWindowBins: Math.ceil((e.TREND_NEW_WINDOW_HOURS * 3600) / binSeconds),
    },
    similarity: e.TREND_SIMILARITY,
    similarityStandIn: e.TREND_SIMILARITY_STANDIN,
    mergeSimilarity: e.TREND_MERGE_SIMILARITY,
    mergeSimilarityStandIn: e.TREND_MERGE_SIMILARITY_STANDIN,
    liveSeconds: Math.round(e.TREND_LIVE_HOURS * 3600),
    publishStages: e.TREND_PUBLISH_STAGES,
    textChars: e.TREND_TEXT_CHARS,
    labelTerms: e.TREND_LABEL_TERMS,
    batchSize: e.TREND_BATCH_SIZE,
    batchWaitMs: e.TREND_BATCH_WAIT_MS,
    splitSimilarity: e.TREND_SPLIT_SIMILARITY,
    splitSimilarityStandIn: e.TREND_SPLIT_SIMILARITY_STANDIN,
    splitMinMembers: e.TREND_SPLIT_MIN_MEMBERS === 0 ? 0 : Math.max(2, e.TREND_SPLIT_MIN_MEMBERS),
    sweepMs: Math.round(e.TREND_SWEEP_SECONDS * 1000),
  };
}

export const TREND_CONFIG = Symbol('TREND_CONFIG');
