/** Named delivery errors, each with a stable code (as in nats.js' `jserrors.ts`). */
export abstract class MessagingError extends Error {
  abstract readonly code: string;
}

/**
 * The one base class of expected failures: a request handler (or anything it calls) throws a
 * subclass, and the caller receives a `RemoteError` with the same code and message. Anything else
 * a handler throws is `internal` to the caller and logged by the owner. Owners' domain errors
 * (`CatalogError`, `StorageError`, ...) extend it, so no handler translates errors itself.
 */
export class ExpectedError extends Error {
  override name = 'ExpectedError';
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Thrown by an event handler for a message that can never succeed (bad reference, impossible
 * state): the message is dead-lettered at once instead of being retried.
 */
export class PoisonMessageError extends MessagingError {
  override readonly name = 'PoisonMessageError';
  readonly code = 'poison';
}

/**
 * Thrown by an event handler for a message that cannot be handled now but can at a known later
 * time (a platform's daily quota resets at midnight Pacific): the message is redelivered after
 * `delayMs` without being dead-lettered. Each wait still counts as a delivery on the server, so a
 * consumer that defers should allow enough `max_deliver`.
 */
export class RetryLaterError extends MessagingError {
  override readonly name = 'RetryLaterError';
  readonly code = 'retry-later';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** The owner answered with an error. */
export class RemoteError extends MessagingError {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: string,
    message: string,
    readonly subject: string,
  ) {
    super(`${subject}: ${message} (${code})`);
  }
}

export class RequestTimeoutError extends MessagingError {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'timeout';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`No reply on ${subject} within ${timeoutMs} ms: is the ${subject.split('.')[0]} service running and healthy?`, options);
  }
}

/** Nobody subscribes to the request subject: the owner app is not running (nats.js calls this "no responders"). */
export class NoServiceError extends MessagingError {
  override readonly name = 'NoServiceError';
  readonly code = 'no-responders';
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`Nobody serves ${subject}: start the ${subject.split('.')[0]} app (npm start starts every app).`, options);
  }
}

export class InvalidMessageError extends MessagingError {
  override readonly name = 'InvalidMessageError';
  readonly code = 'invalid';
}

/** Boot-time wiring faults: the app refuses to start. */
export class HandlerWiringError extends MessagingError {
  override readonly name = 'HandlerWiringError';
  readonly code = 'wiring';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
