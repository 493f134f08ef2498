import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CommonEnv, loadEnv } from '#config';
import { Duration } from '#messaging';
import { loadYoutubeConfig, YoutubeEnv, type YoutubeConfig } from '#youtube';
import { z } from 'zod';

export const PublisherEnv = {
  ...CommonEnv,
  ...YoutubeEnv,
  /**
   * `outbox` (the default): no platform; each edit is copied to a local folder with a manifest,
   * recorded as platform `outbox`. `youtube`: the channels of YOUTUBE_CHANNELS (with
   * YOUTUBE_FAKE=on, the fake YouTube of this repo).
   */
  PUBLISHER_BACKEND: z.enum(['outbox', 'youtube']).default('outbox'),
  /** Where the outbox keeps its files; defaults to DATA_DIR/outbox. */
  PUBLISHER_OUTBOX_DIR: z.string().min(1).optional(),
  /** Bytes per upload request, in MiB (the protocol wants multiples of 256 KiB). */
  PUBLISHER_CHUNK_MIB: z.coerce.number().int().min(1).max(1024).default(8),
  /** Failed exchanges in a row (without progress) before the handler gives up and the message is retried later. */
  PUBLISHER_RETRIES: z.coerce.number().int().min(0).max(50).default(8),
  PUBLISHER_BACKOFF: Duration.default(1000),
  PUBLISHER_BACKOFF_MAX: Duration.default(60_000),
  PUBLISHER_TMP_DIR: z.string().min(1).default(join(tmpdir(), 'publisher')),
  /** How long a disabled channel's message waits before it is looked at again. */
  PUBLISHER_DISABLED_RECHECK: Duration.default(3_600_000),
  /** A waiting message (paused channel, closed window) is looked at again at least this often. */
  PUBLISHER_MAX_DEFER: Duration.default(6 * 3_600_000),
};

export interface PublisherConfig {
  backend: 'outbox' | 'youtube';
  outboxDir: string;
  youtube: YoutubeConfig | null;
  chunkBytes: number;
  retries: number;
  backoffMs: number;
  backoffMaxMs: number;
  tmpDir: string;
  disabledRecheckMs: number;
  maxDeferMs: number;
  dataDir: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadPublisherConfig(env: NodeJS.ProcessEnv): PublisherConfig {
  const parsed = loadEnv(PublisherEnv, env);
  return {
    backend: parsed.PUBLISHER_BACKEND,
    outboxDir: parsed.PUBLISHER_OUTBOX_DIR ?? join(parsed.DATA_DIR, 'outbox'),
    youtube: parsed.PUBLISHER_BACKEND === 'youtube' ? loadYoutubeConfig(parsed, env) : null,
    chunkBytes: parsed.PUBLISHER_CHUNK_MIB * 1024 * 1024,
    retries: parsed.PUBLISHER_RETRIES,
    backoffMs: parsed.PUBLISHER_BACKOFF,
    backoffMaxMs: parsed.PUBLISHER_BACKOFF_MAX,
    tmpDir: parsed.PUBLISHER_TMP_DIR,
    disabledRecheckMs: parsed.PUBLISHER_DISABLED_RECHECK,
    maxDeferMs: parsed.PUBLISHER_MAX_DEFER,
    dataDir: parsed.DATA_DIR,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

export const PUBLISHER_CONFIG = Symbol('PUBLISHER_CONFIG');
