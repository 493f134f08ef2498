import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import { errors as natsErrors } from '@nats-io/transport-node';

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

/**
 * A dependency (an owner service, JetStream, a database) is down or unreachable: nothing is wrong
 * with the message. The transport holds the message and pauses the consumer until `probe`
 * (or, without one, a ping of the owner) succeeds; such failures never count as attempts.
 */
export class UnavailableError extends MessagingError {
  override readonly name: string = 'UnavailableError';
  readonly code: string = 'unavailable';
  constructor(
    /** What is down: an owner's request prefix (`catalog`), `jetstream`, `log-db`. */
    readonly dependency: string,
    message: string,
    options: { cause?: unknown; probe?: () => Promise<unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.probe = options.probe;
  }
  /** A cheap check that succeeds once the dependency is back. */
  readonly probe: (() => Promise<unknown>) | undefined;
}

/** A publish into JetStream failed (no stream leader, JetStream off, timeout, connection closed). */
export class PublishError extends UnavailableError {
  override readonly name = 'PublishError';
  override readonly code = 'publish-failed';
  constructor(
    readonly subject: string,
    cause: unknown,
  ) {
    super('jetstream', `Publishing ${subject} failed (JetStream unavailable?): ${errorMessage(cause)}`, { cause });
  }
}

export class RequestTimeoutError extends UnavailableError {
  override readonly name = 'RequestTimeoutError';
  override readonly code = 'timeout';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(ownerOf(subject), `No reply on ${subject} within ${timeoutMs} ms: is the ${subject.split('.')[0]} service running and healthy?`, options);
  }
}

/** Nobody subscribes to the request subject: the owner app is not running (nats.js calls this "no responders"). */
export class NoServiceError extends UnavailableError {
  override readonly name = 'NoServiceError';
  override readonly code = 'no-responders';
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(ownerOf(subject), `Nobody serves ${subject}: start the ${subject.split('.')[0]} app (npm start starts every app).`, options);
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

/** The owner of a request subject: its first token (`catalog.article.get.v1` -> `catalog`). */
export function ownerOf(subject: string): string {
  return subject.split('.')[0]!;
}

/** Owner error codes that say the owner cannot work right now (its database is down, say). */
const OWNER_DOWN_CODES = new Set(['unavailable', 'internal']);

/**
 * The dependency that is down if `error` (or an error in its `cause` chain) says so, else null.
 * Every failure to publish or to reach an owner counts: our own `UnavailableError`s, an owner's
 * `unavailable`/`internal` answer, and the client's own connection, timeout and 503 errors.
 */
export function unavailableDependency(error: unknown): UnavailableError | null {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UnavailableError) return e;
    if (e instanceof RemoteError && OWNER_DOWN_CODES.has(e.code)) {
      return new UnavailableError(ownerOf(e.subject), e.message, { cause: e });
    }
    if (isNatsInfrastructureError(e)) return new UnavailableError('nats', errorMessage(e), { cause: e });
    const marked = (e as { unavailableDependency?: unknown }).unavailableDependency;
    if (typeof marked === 'string') return new UnavailableError(marked, errorMessage(e), { cause: e });
  }
  return null;
}

/** True for any failure worth retrying later unchanged because something else is down. */
export function isTemporary(error: unknown): boolean {
  return unavailableDependency(error) !== null;
}

/** Errors of the nats.js client that mean the router or JetStream could not be reached. */
function isNatsInfrastructureError(error: unknown): boolean {
  if (
    error instanceof natsErrors.TimeoutError ||
    error instanceof natsErrors.ClosedConnectionError ||
    error instanceof natsErrors.ConnectionError ||
    error instanceof natsErrors.DrainingConnectionError ||
    error instanceof natsErrors.NoRespondersError ||
    error instanceof natsErrors.RequestError ||
    (error instanceof Error && error.name === 'JetStreamNotEnabled')
  ) {
    return true;
  }
  // JetStream API: 503 no leader / not available, 5xx store faults, 408 request timeout.
  if (error instanceof JetStreamApiError) return error.status >= 500 || error.status === 408;
  // Client-side JetStream failures (publish timeout, status 503 from the server).
  if (error instanceof JetStreamError) {
    const code = (error as { code?: unknown }).code;
    return typeof code !== 'number' || code >= 500 || code === 408;
  }
  return false;
}
