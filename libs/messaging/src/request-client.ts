import type { Envelope, RequestContract } from '#contracts';
import { errors as natsErrors, type NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { HandlerWiringError, InvalidMessageError, NoServiceError, RemoteError, RequestTimeoutError } from './errors.js';
import type { Namespace } from './namespace.js';
import { traceHeaders, traceOf, traceparentFor, type MessagingObserver, type RequestOutcome } from './observer.js';
import { decodeJson, describeIssues, encodeJson, type ReplyBody } from './wire.js';

/** Request/reply to the data owners over core NATS, validated both ways, with a timeout. */
export class RequestClient {
  /**
   * @param owners the owners `config/apps/<app>.yaml` lists under `requests:`; a request to any
   *   other is refused here, as the router refuses it in production (undefined: no check, for tools).
   */
  constructor(
    private readonly nc: NatsConnection,
    private readonly ns: Namespace,
    private readonly defaultTimeoutMs: number,
    private readonly observer?: MessagingObserver,
    private readonly owners?: { app: string; requests: readonly string[] },
  ) {}

  /** `request`, with the owner's `not-found` answer as null; every other failure still throws. */
  async requestOrNull<Q extends z.ZodType, R extends z.ZodType>(
    contract: RequestContract<string, Q, R>,
    payload: z.input<Q>,
    options: { timeoutMs?: number; causedBy?: Envelope } = {},
  ): Promise<z.infer<R> | null> {
    try {
      return await this.request(contract, payload, options);
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'not-found') return null;
      throw error;
    }
  }

  async request<Q extends z.ZodType, R extends z.ZodType>(
    contract: RequestContract<string, Q, R>,
    payload: z.input<Q>,
    options: { timeoutMs?: number; causedBy?: Envelope } = {},
  ): Promise<z.infer<R>> {
    if (!this.observer) return this.exchange(contract, payload, options);
    const started = performance.now();
    let outcome: RequestOutcome = 'error';
    try {
      const result = await this.exchange(contract, payload, options);
      outcome = 'ok';
      return result;
    } catch (error) {
      if (error instanceof RequestTimeoutError) outcome = 'timeout';
      else if (error instanceof NoServiceError) outcome = 'no-service';
      throw error;
    } finally {
      this.observer.requestFinished(contract.subject, outcome, (performance.now() - started) / 1000);
    }
  }

  private async exchange<Q extends z.ZodType, R extends z.ZodType>(
    contract: RequestContract<string, Q, R>,
    payload: z.input<Q>,
    options: { timeoutMs?: number; causedBy?: Envelope },
  ): Promise<z.infer<R>> {
    const owner = contract.subject.split('.')[0]!;
    if (this.owners && !this.owners.requests.some((o) => o === owner || o === contract.subject || o === '*')) {
      throw new HandlerWiringError(
        `${this.owners.app} asks ${contract.subject}, but config/apps/${this.owners.app}.yaml lists neither "${owner}" nor "${contract.subject}" under "requests:" ` +
          '(the router refuses it in production)',
      );
    }
    // The owner validates the request (and says what is wrong); the caller validates the reply.
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    let reply;
    try {
      const cause = options.causedBy;
      const headers = cause ? traceHeaders(traceparentFor({ id: `${cause.id}:${contract.subject}`, correlationId: cause.correlationId }, traceOf(cause))) : undefined;
      reply = await this.nc.request(this.ns.subject(contract.subject), encodeJson(payload), { timeout, headers });
    } catch (error) {
      throw translate(error, contract.subject, timeout);
    }
    const decoded = decodeJson(reply.data);
    if (!decoded.ok) throw new InvalidMessageError(`${contract.subject}: reply is ${decoded.error}`);
    const body = decoded.value as ReplyBody;
    if (body.ok === false) {
      if (body.error.code === 'bad-request') throw new InvalidMessageError(`Invalid ${contract.subject} request: ${body.error.message}`);
      throw new RemoteError(body.error.code, body.error.message, contract.subject);
    }
    const response = contract.response.safeParse(body.data);
    if (!response.success) {
      throw new InvalidMessageError(`${contract.subject}: reply does not match its contract: ${describeIssues(response.error)}`);
    }
    return response.data;
  }
}

function translate(error: unknown, subject: string, timeout: number): Error {
  if (error instanceof natsErrors.TimeoutError) return new RequestTimeoutError(subject, timeout, { cause: error });
  if (error instanceof natsErrors.RequestError) {
    if (error.isNoResponders()) return new NoServiceError(subject, { cause: error });
    if (error.cause instanceof natsErrors.TimeoutError) return new RequestTimeoutError(subject, timeout, { cause: error });
  }
  if (error instanceof natsErrors.NoRespondersError) return new NoServiceError(subject, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
