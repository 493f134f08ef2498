import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CommonEnv, ConfigError, loadEnv } from '#config';
import { z } from 'zod';

const fraction = z.coerce.number().gt(0).lt(1);

export const FilesEnv = {
  ...CommonEnv,
  /** The file root; default `<DATA_DIR>/files`. In production a dedicated volume. */
  FILES_ROOT: z.string().min(1).optional(),
  FILES_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port: clients find the address through files.endpoint.v1 anyway. */
  FILES_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The URL other pods use (a Kubernetes Service); default: the address the server is bound to. */
  FILES_PUBLIC_URL: z
    .url()
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /**
   * The bytes API's secret (at least 32 characters). Every request must carry it or a token
   * signed with it (handed out by files.endpoint.v1). Replicas share it; unset, one is made at
   * start, which only a single replica can use.
   */
  FILES_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  /** Lifetime of the tokens files.endpoint.v1 hands out. */
  FILES_TOKEN_TTL_MS: z.coerce.number().int().min(60_000).default(900_000),
  /** An upload whose body stops arriving for this long is cut (a declared but unsent body). */
  FILES_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Absolute ceiling of any one file; every upload is further limited by its allocation. */
  FILES_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(20 * 1024 ** 3),
  /** Ceiling of an allocation (its upload grant) for `text` and `story` files. */
  FILES_MAX_TEXT_BYTES: z.coerce.number().int().positive().default(16 * 1024 ** 2),
  /** ... for `image`, `thumb` and `keyframe` files. */
  FILES_MAX_IMAGE_BYTES: z.coerce.number().int().positive().default(64 * 1024 ** 2),
  /** ... for `video`, `generated` and `edited` files. */
  FILES_MAX_VIDEO_BYTES: z.coerce.number().int().positive().default(8 * 1024 ** 3),
  /**
   * Slowest accepted upload, averaged over each FILES_BODY_TIMEOUT_MS window: a body trickled
   * below it (a byte now and then resets any idle timer) is cut, so it cannot hold a socket and
   * a temp file for hours.
   */
  FILES_MIN_BODY_BYTES_PER_S: z.coerce.number().int().nonnegative().default(16 * 1024),
  FILES_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  FILES_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** `catalog`: every stored file is recorded with catalog.file.register.v1 (retention needs it). */
  FILES_REGISTRY: z.enum(['catalog', 'off']).default('catalog'),
  /**
   * The storage budget for files and databases together; the files' capacity is this minus the
   * databases' sizes (as their owners report them), and at most the volume's size.
   */
  FILES_CAPACITY_BYTES: z.coerce.number().positive().default(50e12),
  /**
   * The owners asked for their store's size (`<owner>.storage.size.v1`), comma-separated, or
   * `none`. Each one must be declared under `requests:` in config/apps/files.yaml.
   */
  FILES_DATABASE_OWNERS: z
    .string()
    .default('catalog,logger,vector')
    .transform((value) => (value.trim() === 'none' ? [] : value.split(',').map((s) => s.trim()).filter(Boolean)))
    .pipe(z.array(z.enum(['catalog', 'logger', 'vector']))),
  /** How long the databases' sizes are reused before they are asked again. */
  FILES_DATABASE_SIZE_TTL_MS: z.coerce.number().int().nonnegative().default(60_000),
  FILES_DATABASE_SIZE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  FILES_HIGH_WATERMARK: fraction.default(0.9),
  FILES_LOW_WATERMARK: fraction.default(0.8),
  FILES_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /** Scraped media and text younger than this are never evicted. */
  FILES_SCRAPED_MIN_AGE_SECONDS: z.coerce.number().int().nonnegative().default(7 * 24 * 3600),
  FILES_SWEEP_BATCH: z.coerce.number().int().positive().max(10_000).default(1000),
  /** Temp files of uploads older than this are leftovers of a crash. */
  FILES_TEMP_MAX_AGE_MS: z.coerce.number().int().positive().default(6 * 3600 * 1000),
};

export type FilesConfig = ReturnType<typeof loadFilesConfig>;

export function loadFilesConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadEnv(FilesEnv, env);
  if (config.FILES_LOW_WATERMARK >= config.FILES_HIGH_WATERMARK) {
    throw new ConfigError(
      `Invalid environment:\n  FILES_LOW_WATERMARK (${config.FILES_LOW_WATERMARK}) must be below FILES_HIGH_WATERMARK (${config.FILES_HIGH_WATERMARK})`,
    );
  }
  return {
    ...config,
    FILES_ROOT: config.FILES_ROOT ?? join(config.DATA_DIR, 'files'),
    FILES_TOKEN: config.FILES_TOKEN ?? randomBytes(32).toString('hex'),
    filesTokenGenerated: config.FILES_TOKEN === undefined,
  };
}

export const FILES_CONFIG = Symbol('FILES_CONFIG');
