/**
 * What went wrong talking to YouTube, as classes that say whether to retry (the postiz way):
 * a caller decides by class, never by parsing a message. Messages never carry a token.
 */
export abstract class YoutubeError extends Error {
  abstract readonly retryable: boolean;
}

/** 5xx, 429 without a quota reason, a reset connection, a timeout: try again with backoff. */
export class YoutubeTransientError extends YoutubeError {
  override readonly name = 'YoutubeTransientError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/**
 * `quotaExceeded` (the project's daily units) or `uploadLimitExceeded` (the channel's daily
 * uploads): nothing works on this channel until the quota day resets (midnight Pacific).
 */
export class YoutubeQuotaError extends YoutubeError {
  override readonly name = 'YoutubeQuotaError';
  readonly retryable = false;
  constructor(
    readonly reason: 'quotaExceeded' | 'uploadLimitExceeded' | 'rateLimitExceeded',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The refresh token no longer works (`invalid_grant`): revoked by the channel owner, its password
 * changed, or it was issued to an OAuth app still in "testing" (such tokens die after 7 days).
 */
export class YoutubeAuthRevokedError extends YoutubeError {
  override readonly name = 'YoutubeAuthRevokedError';
  readonly retryable = false;
}

/** The resumable session is gone (404/410): the upload starts again with a new session. */
export class YoutubeSessionGoneError extends YoutubeError {
  override readonly name = 'YoutubeSessionGoneError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A request YouTube refuses for good (bad metadata, forbidden, unknown video). */
export class YoutubeRequestError extends YoutubeError {
  override readonly name = 'YoutubeRequestError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | null,
  ) {
    super(message);
  }
}

/** An answer that does not have the documented shape. */
export class YoutubeProtocolError extends YoutubeError {
  override readonly name = 'YoutubeProtocolError';
  readonly retryable = true;
}
