import { resolve } from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the environment once, at start. A bad or missing variable stops the process
 * with a message naming the variable and what it should look like.
 */
export function loadEnv<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    const shown = value === undefined ? 'unset' : `"${value.length > 60 ? `${value.slice(0, 60)}...` : value}"`;
    return `  ${name} (${shown}): ${issue.message}`;
  });
  throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
}

/** The variables every app understands. */
export const CommonEnv = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** Prefixes every subject and stream, so tests and staging can share one NATS server. */
  NATS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only')
    .default(''),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  DATA_DIR: z
    .string()
    .default('.data')
    .transform((p) => resolve(p)),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  STREAMS_CONFIG: z.string().default('config/streams.yaml'),
  /** /healthz /readyz /metrics; unset = not served (9464 in Kubernetes, 9400+n under npm start, 0 = any free port). */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  OPS_HOST: z.string().default('0.0.0.0'),
};
export const CommonEnvSchema = z.object(CommonEnv);
export type CommonConfig = z.infer<typeof CommonEnvSchema>;
