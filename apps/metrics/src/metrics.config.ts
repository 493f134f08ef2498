import { CommonEnv, loadEnv } from '#config';
import { Duration } from '#messaging';
import { loadYoutubeConfig, YoutubeEnv, type YoutubeConfig } from '#youtube';
import { z } from 'zod';

export const MetricsEnv = {
  ...CommonEnv,
  ...YoutubeEnv,
  /**
   * `youtube`: snapshots of the publications on the channels of YOUTUBE_CHANNELS (with
   * YOUTUBE_FAKE=on, the fake's growing counters). `off` (the default, as the publisher's default
   * is the outbox): outbox publications have no views, so there is nothing to collect.
   */
  METRICS_BACKEND: z.enum(['off', 'youtube']).default('off'),
  /** `off` in replicas that should only consume commands (and in tests that drive slots themselves). */
  METRICS_SCHEDULER: z.enum(['on', 'off']).default('on'),
  METRICS_SCHEDULE_TICK: Duration.default(30_000),
  /** A slot is published only this soon after it starts, so replicas' publishes meet in one dedup window. */
  METRICS_SCHEDULE_GRACE: Duration.default(60_000),
  /** The slot length: one snapshot per slot while a publication is young. */
  METRICS_SLOT: Duration.default(3_600_000),
  /** Young publications get a snapshot every slot for this long... */
  METRICS_HOURLY_FOR: Duration.default(2 * 86_400_000),
  /** ...then one a day (in the slot of their publishing hour) up to this age. */
  METRICS_DAILY_UNTIL: Duration.default(90 * 86_400_000),
  /**
   * Which call reads the counters: `videos.list` (part=statistics,status: also re-reads the upload
   * and privacy status) or `videos.batchGetStats` (part=statistics: the counters only). Both take
   * 50 ids per call for 1 unit.
   */
  METRICS_STATISTICS_CALL: z.enum(['videos.list', 'videos.batchGetStats']).default('videos.list'),
  /** The UTC hour whose slot also asks YouTube Analytics for daily views (they come two days late). */
  METRICS_ANALYTICS_HOUR: z.coerce.number().int().min(0).max(23).default(12),
  /** Analytics queries per slot at most (one per publication). */
  METRICS_ANALYTICS_MAX_CALLS: z.coerce.number().int().min(0).max(100_000).default(2000),
};

export interface MetricsConfig {
  youtube: YoutubeConfig | null;
  scheduler: boolean;
  tickMs: number;
  graceMs: number;
  slotMs: number;
  hourlyForMs: number;
  dailyUntilMs: number;
  analyticsHour: number;
  analyticsMaxCalls: number;
  statisticsCall: 'videos.list' | 'videos.batchGetStats';
  dataDir: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadMetricsConfig(env: NodeJS.ProcessEnv): MetricsConfig {
  const parsed = loadEnv(MetricsEnv, env);
  return {
    youtube: parsed.METRICS_BACKEND === 'youtube' ? loadYoutubeConfig(parsed, env) : null,
    scheduler: parsed.METRICS_SCHEDULER === 'on',
    tickMs: parsed.METRICS_SCHEDULE_TICK,
    graceMs: parsed.METRICS_SCHEDULE_GRACE,
    slotMs: parsed.METRICS_SLOT,
    hourlyForMs: parsed.METRICS_HOURLY_FOR,
    dailyUntilMs: parsed.METRICS_DAILY_UNTIL,
    analyticsHour: parsed.METRICS_ANALYTICS_HOUR,
    analyticsMaxCalls: parsed.METRICS_ANALYTICS_MAX_CALLS,
    statisticsCall: parsed.METRICS_STATISTICS_CALL,
    dataDir: parsed.DATA_DIR,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

export const METRICS_CONFIG = Symbol('METRICS_CONFIG');
