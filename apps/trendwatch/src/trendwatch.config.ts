import { CommonEnv, ConfigError, loadEnv } from '#config';
import { z } from 'zod';

/** The variables of the external-trend snapshotter. */
export const TrendwatchEnv = {
  ...CommonEnv,
  /** `fake`: the bundled local servers (offline default, recorded as stand-ins); `real`: Google and Naver. */
  TRENDWATCH_BACKEND: z.enum(['fake', 'real']).default('fake'),
  TRENDWATCH_GOOGLE_URL: z.url().default('https://trends.google.com/trending/rss'),
  TRENDWATCH_GEO: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code').default('KR'),
  TRENDWATCH_INTERVAL_MINUTES: z.coerce.number().min(0.05).max(1440).default(60),
  TRENDWATCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  TRENDWATCH_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  NAVER_DATALAB_URL: z.url().default('https://openapi.naver.com/v1/datalab/search'),
  NAVER_CLIENT_ID: z.string().min(1).optional(),
  NAVER_CLIENT_SECRET: z.string().min(1).optional(),
  /** The fixed keyword group every DataLab request carries, so ratios compare across requests. */
  TRENDWATCH_NAVER_ANCHOR: z.string().min(1).max(50).default('날씨'),
  /** Terms of the Google snapshot sent to DataLab per request (DataLab takes 5 groups, one is the anchor). */
  TRENDWATCH_NAVER_TERMS: z.coerce.number().int().min(1).max(4).default(4),
};

export interface TrendwatchConfig {
  backend: 'fake' | 'real';
  googleUrl: string;
  geo: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  naver: { url: string; clientId: string; clientSecret: string } | null;
  anchor: string;
  naverTerms: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadTrendwatchConfig(env: NodeJS.ProcessEnv): TrendwatchConfig {
  const e = loadEnv(TrendwatchEnv, env);
  if ((e.NAVER_CLIENT_ID === undefined) !== (e.NAVER_CLIENT_SECRET === undefined)) {
    throw new ConfigError('Invalid environment:\n  NAVER_CLIENT_ID and NAVER_CLIENT_SECRET: set both or neither');
  }
  return {
    backend: e.TRENDWATCH_BACKEND,
    googleUrl: e.TRENDWATCH_GOOGLE_URL,
    geo: e.TRENDWATCH_GEO,
    intervalMs: Math.round(e.TRENDWATCH_INTERVAL_MINUTES * 60_000),
    timeoutMs: e.TRENDWATCH_TIMEOUT_MS,
    retries: e.TRENDWATCH_RETRIES,
    naver: e.NAVER_CLIENT_ID && e.NAVER_CLIENT_SECRET ? { url: e.NAVER_DATALAB_URL, clientId: e.NAVER_CLIENT_ID, clientSecret: e.NAVER_CLIENT_SECRET } : null,
    anchor: e.TRENDWATCH_NAVER_ANCHOR,
    naverTerms: e.TRENDWATCH_NAVER_TERMS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

export const TRENDWATCH_CONFIG = Symbol('TRENDWATCH_CONFIG');
