import { CommonEnv, ConfigError, loadEnv } from '#config';
import { z } from 'zod';
import type { EmbedderConfig } from './embedding/index.js';

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/** The variables of the embedder stage; the defaults run the stand-ins on one machine. */
export const EmbedderEnv = {
  ...CommonEnv,
  /** `standin`: in-process deterministic features. `http`: an OpenAI-compatible embedding server. */
  EMBEDDER_BACKEND: z.enum(['standin', 'http']).default('standin'),
  /** Images through another backend than text, e.g. a text-only server plus stand-in images. */
  EMBEDDER_IMAGE_BACKEND: z.enum(['standin', 'http']).optional(),
  EMBEDDER_URL: z.string().optional(),
  EMBEDDER_MODEL: z.string().min(1).optional(),
  EMBEDDER_API_KEY: z.string().optional(),
  EMBEDDER_DIMENSIONS: optionalInt(1, 65_536),
  EMBEDDER_IMAGE_MODEL: z.string().min(1).optional(),
  EMBEDDER_IMAGE_DIMENSIONS: optionalInt(1, 65_536),
  /** JSON object merged into image requests, e.g. `{"modality":"image"}` for Infinity. */
  EMBEDDER_IMAGE_REQUEST_EXTRAS: z.string().optional(),
  EMBEDDER_BATCH_SIZE: optionalInt(1, 4096),
  EMBEDDER_TIMEOUT_MS: optionalInt(1, 3_600_000),
  EMBEDDER_MAX_RETRIES: optionalInt(0, 20),
  /**
   * Long texts go to a server in windows of this many characters, embedded in one request and
   * mean-pooled. The stand-in windows its input itself (1,000 characters, 200 overlap).
   */
  EMBEDDER_TEXT_CHUNK_CHARS: z.coerce.number().int().min(100).max(1_000_000).default(2000),
  EMBEDDER_TEXT_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(100_000).default(200),
  EMBEDDER_VIDEO_MAX_FRAMES: optionalInt(1, 256),
  EMBEDDER_VIDEO_TIMEOUT_MS: optionalInt(1000, 3_600_000),
  FFMPEG_PATH: z.string().min(1).optional(),
  /**
   * Put before every space name, so that staging or a test run shares a Milvus server without
   * sharing its collections (as NATS_NAMESPACE does for subjects).
   */
  EMBEDDER_SPACE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,64}$/, 'letters, digits, _ and - only, at most 64')
    .default(''),
  /** Vector upserts of a large article may take a while on a busy Milvus. */
  EMBEDDER_VECTOR_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
};

export interface StageConfig {
  embedders: EmbedderConfig;
  textChunkChars: number;
  textChunkOverlap: number;
  spacePrefix: string;
  vectorTimeoutMs: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadStageConfig(env: NodeJS.ProcessEnv): StageConfig {
  const parsed = loadEnv(EmbedderEnv, env);
  if (parsed.EMBEDDER_TEXT_CHUNK_OVERLAP >= parsed.EMBEDDER_TEXT_CHUNK_CHARS) {
    throw new ConfigError(
      `Invalid environment:\n  EMBEDDER_TEXT_CHUNK_OVERLAP (${parsed.EMBEDDER_TEXT_CHUNK_OVERLAP}) must be below EMBEDDER_TEXT_CHUNK_CHARS (${parsed.EMBEDDER_TEXT_CHUNK_CHARS})`,
    );
  }
  const video = {
    maxFrames: parsed.EMBEDDER_VIDEO_MAX_FRAMES,
    timeoutMs: parsed.EMBEDDER_VIDEO_TIMEOUT_MS,
    ffmpegPath: parsed.FFMPEG_PATH,
  };
  return {
    embedders: {
      backend: parsed.EMBEDDER_BACKEND,
      imageBackend: parsed.EMBEDDER_IMAGE_BACKEND,
      url: parsed.EMBEDDER_URL,
      model: parsed.EMBEDDER_MODEL,
      apiKey: parsed.EMBEDDER_API_KEY,
      dimensions: parsed.EMBEDDER_DIMENSIONS,
      imageModel: parsed.EMBEDDER_IMAGE_MODEL,
      imageDimensions: parsed.EMBEDDER_IMAGE_DIMENSIONS,
      imageRequestExtras: jsonObject(parsed.EMBEDDER_IMAGE_REQUEST_EXTRAS),
      batchSize: parsed.EMBEDDER_BATCH_SIZE,
      timeoutMs: parsed.EMBEDDER_TIMEOUT_MS,
      maxRetries: parsed.EMBEDDER_MAX_RETRIES,
      video: Object.fromEntries(Object.entries(video).filter(([, value]) => value !== undefined)),
    },
    textChunkChars: parsed.EMBEDDER_TEXT_CHUNK_CHARS,
    textChunkOverlap: parsed.EMBEDDER_TEXT_CHUNK_OVERLAP,
    spacePrefix: parsed.EMBEDDER_SPACE_PREFIX,
    vectorTimeoutMs: parsed.EMBEDDER_VECTOR_TIMEOUT_MS,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid environment:\n  EMBEDDER_IMAGE_REQUEST_EXTRAS: not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('Invalid environment:\n  EMBEDDER_IMAGE_REQUEST_EXTRAS: must be a JSON object, e.g. {"modality":"image"}');
  }
  return value as Record<string, unknown>;
}

export const STAGE_CONFIG = Symbol('STAGE_CONFIG');
export const EMBEDDERS = Symbol('EMBEDDERS');
