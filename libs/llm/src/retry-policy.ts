import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one retry policy for outbound model calls, as the official OpenAI SDKs do it: a delay the
 * server asks for (`retry-after-ms`, then `retry-after` in seconds or as an HTTP date) is honoured
 * when it is at most `maxRetryAfterMs`; otherwise exponential backoff from `minBackoffMs`, doubled
 * per attempt up to `maxBackoffMs`, less up to 25 % jitter.
 */
export interface RetryPolicy {
  /** Further attempts after the first. */
  maxRetries: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
}

export const SDK_RETRY_POLICY: RetryPolicy = { maxRetries: 2, minBackoffMs: 500, maxBackoffMs: 8000, maxRetryAfterMs: 60_000 };

/** What an attempt's failure says about trying again. */
export interface RetryVerdict {
  retry: boolean;
  /** The server's own wish, when it said one. */
  retryAfterMs?: number;
}

export interface RetryHooks {
  /** Called before each wait, e.g. to log "retrying in 2 s after 429". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, `verdict` says not to retry, or the attempts are spent; the
 * last error is thrown with `attempts` recorded when it has a `details` object.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (attemptNo: number) => Promise<T>,
  verdict: (error: unknown) => RetryVerdict,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      return await attempt(attemptNo);
    } catch (error) {
      recordAttempts(error, attemptNo);
      const { retry, retryAfterMs } = verdict(error);
      if (!retry || attemptNo > policy.maxRetries) throw error;
      const delay = retryDelayMs(policy, attemptNo, retryAfterMs);
      hooks.onRetry?.(error, attemptNo, delay);
      await sleep(delay, undefined, { signal: hooks.signal });
    }
  }
}

/** The wait before attempt `attemptNo + 1`. */
export function retryDelayMs(policy: RetryPolicy, attemptNo: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0 && retryAfterMs <= policy.maxRetryAfterMs) return retryAfterMs;
  const ceiling = Math.min(policy.maxBackoffMs, policy.minBackoffMs * 2 ** (attemptNo - 1));
  return ceiling * (1 - 0.25 * random());
}

/**
 * The delay a response asks for: `retry-after-ms` (milliseconds, OpenAI's own), else
 * `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterFromHeaders(get: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const ms = get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The statuses the SDKs retry: 408 timeout, 409 lock, 429 rate limit, every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function recordAttempts(error: unknown, attemptNo: number): void {
  if (error && typeof error === 'object' && 'details' in error) {
    const details = (error as { details: unknown }).details;
    if (details && typeof details === 'object') (details as { attempts?: number }).attempts = attemptNo;
  }
}
