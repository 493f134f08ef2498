/**
 * What went wrong with a model call. `retryable` says whether the same call may succeed later
 * (the server busy or gone); everything else fails the same way again and needs a change of input,
 * configuration or model.
 */
export type LlmErrorCode =
  | 'http-status'
  | 'timeout'
  | 'network'
  | 'stream-broken'
  | 'bad-response'
  | 'context-overflow'
  | 'truncated-prompt'
  | 'length'
  | 'refusal'
  | 'invalid-output';

export class LlmError extends Error {
  override readonly name: string = 'LlmError';

  constructor(
    readonly code: LlmErrorCode,
    readonly retryable: boolean,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; attempts?: number; body?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The prompt does not fit the model's context, whichever server said so (or our own estimate
 * before sending). `cutTokens` is how much to remove, at least; `cutChars` is that in characters
 * at the estimator's rate.
 */
export class ContextOverflowError extends LlmError {
  override readonly name = 'ContextOverflowError';

  constructor(
    readonly limitTokens: number | undefined,
    readonly requestedTokens: number | undefined,
    readonly cutTokens: number | undefined,
    readonly cutChars: number | undefined,
    message: string,
    details: LlmError['details'] = {},
  ) {
    super('context-overflow', false, message, details);
  }
}
