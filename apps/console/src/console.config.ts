import { CommonEnv, ConfigError, loadEnv } from '#config';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The console's variables; the defaults serve on localhost with a token made up at start. */
export const ConsoleEnv = {
  ...CommonEnv,
  CONSOLE_HOST: z.string().default('127.0.0.1'),
  /** 0 = any free port (tests). */
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8480),
  /** The login secret (a token, or the password of basic auth). Required unless bound to localhost. */
  CONSOLE_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** The NATS server's monitoring endpoint (`http:` in its config; 8222 by default). */
  NATS_MONITOR_URL: z.string().url().default('http://127.0.0.1:8222'),
  /** Pending messages above which a stage is shown as falling behind. */
  CONSOLE_BEHIND_PENDING: z.coerce.number().int().positive().default(100),
  /** Have the logger count the funnel's finished days at start and after each UTC midnight (0: only when looked at). */
  CONSOLE_WARM_COUNTS: z.enum(['0', '1']).default('1'),
};

export interface ConsoleConfig {
  host: string;
  port: number;
  token: string;
  /** True when the token was made up at start (localhost only); printed in the login URL. */
  generatedToken: boolean;
  monitorUrl: string;
  behindPending: number;
  /** Count the funnel's finished days before anyone looks (CONSOLE_WARM_COUNTS). */
  warmCounts: boolean;
  namespace: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function loadConsoleConfig(env: NodeJS.ProcessEnv): ConsoleConfig {
  const c = loadEnv(ConsoleEnv, env);
  if (!c.CONSOLE_TOKEN && !LOOPBACK.has(c.CONSOLE_HOST)) {
    throw new ConfigError(
      `CONSOLE_TOKEN (unset): required when CONSOLE_HOST (${c.CONSOLE_HOST}) is not a loopback address; the console never serves without a login.`,
    );
  }
  return {
    host: c.CONSOLE_HOST,
    port: c.CONSOLE_PORT,
    token: c.CONSOLE_TOKEN ?? randomBytes(18).toString('base64url'),
    generatedToken: !c.CONSOLE_TOKEN,
    monitorUrl: c.NATS_MONITOR_URL.replace(/\/+$/, ''),
    behindPending: c.CONSOLE_BEHIND_PENDING,
    warmCounts: c.CONSOLE_WARM_COUNTS === '1',
    namespace: c.NATS_NAMESPACE,
  };
}
