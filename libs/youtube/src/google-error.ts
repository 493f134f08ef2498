import { z } from 'zod';
import {
  YoutubeAuthRevokedError,
  YoutubeQuotaError,
  YoutubeRequestError,
  YoutubeSessionGoneError,
  YoutubeTransientError,
  type YoutubeError,
} from './youtube.errors.js';

/** Google's JSON error body: `{ "error": { "code", "message", "errors": [{ "domain", "reason", "message" }], "status" } }`. */
export const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().int(),
    message: z.string(),
    errors: z.array(z.object({ domain: z.string().optional(), reason: z.string().optional(), message: z.string().optional() })).optional(),
    status: z.string().optional(),
  }),
});
export type GoogleErrorBody = z.infer<typeof GoogleErrorBody>;

/** The OAuth token endpoint's error body (RFC 6749 section 5.2). */
export const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

export function googleError(code: number, reason: string, message: string, domain = 'youtube.api'): GoogleErrorBody {
  return { error: { code, message, errors: [{ domain, reason, message }], status: statusName(code) } };
}

function statusName(code: number): string {
  switch (code) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return code >= 500 ? 'INTERNAL' : 'UNKNOWN';
  }
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'uploadLimitExceeded', 'dailyLimitExceeded']);
export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** The first `reason` of a Google error body, or null when the body is not one. */
export function errorReason(body: unknown): string | null {
  const parsed = GoogleErrorBody.safeParse(body);
  if (!parsed.success) return null;
  return parsed.data.error.errors?.find((e) => e.reason)?.reason ?? null;
}

/** Turns a non-2xx answer of the Data/Analytics API into the error class that says what to do. */
export function classifyApiError(what: string, status: number, body: unknown): YoutubeError {
  const reason = errorReason(body);
  const message = GoogleErrorBody.safeParse(body).data?.error.message ?? `HTTP ${status}`;
  const text = `${what}: ${status}${reason ? ` ${reason}` : ''}: ${message.slice(0, 300)}`;
  if (reason && QUOTA_REASONS.has(reason)) {
    return new YoutubeQuotaError(reason === 'uploadLimitExceeded' ? 'uploadLimitExceeded' : 'quotaExceeded', text);
  }
  if (status === 404 || status === 410) return new YoutubeSessionGoneError(text, status);
  if (RETRYABLE_STATUS.has(status) || (status === 403 && (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded'))) {
    return new YoutubeTransientError(text, status);
  }
  return new YoutubeRequestError(text, status, reason);
}

/** The token endpoint refused: `invalid_grant` is final for this refresh token, 5xx is not. */
export function classifyTokenError(status: number, body: unknown, channel: string): YoutubeError {
  const parsed = OAuthErrorBody.safeParse(body);
  if (parsed.success && parsed.data.error === 'invalid_grant') {
    return new YoutubeAuthRevokedError(
      `channel ${channel}: the refresh token was refused (invalid_grant${parsed.data.error_description ? `: ${parsed.data.error_description}` : ''}). ` +
        'It was revoked, the account password changed, or the OAuth app is still in "testing" (tokens then expire after 7 days). ' +
        'Authorise the channel again, store the new refresh token in its secret, and re-enable the channel (docs/publisher.md, "Channels").',
    );
  }
  if (RETRYABLE_STATUS.has(status)) return new YoutubeTransientError(`channel ${channel}: token endpoint answered ${status}`, status);
  const code = parsed.success ? parsed.data.error : `HTTP ${status}`;
  return new YoutubeRequestError(`channel ${channel}: token endpoint refused the client (${code}); check the OAuth client id and secret`, status, code);
}
