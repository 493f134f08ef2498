import type { Contract, Envelope } from '#contracts';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { z } from 'zod';
import { HandlerWiringError, InvalidMessageError, PublishError } from './errors.js';
import { traceHeaders, traceOf, traceparentFor } from './observer.js';
import { deterministicId, randomId } from './message-id.js';
import type { Namespace } from './namespace.js';
import { subjectMatches } from './streams.config.js';
import { describeIssues, encodeJson } from './wire.js';

export interface PublishOptions {
  /** The event being handled: gives correlation and causation ids. */
  causedBy?: Pick<Envelope, 'id' | 'correlationId'>;
  /** A natural key of what is announced (`article:42`); with the cause it fixes the message id. */
  key?: string;
  /**
   * The key alone fixes the message id, whatever caused the event: a thing announced from two
   * distinct messages (two replicas at the same instant, a retry after a crash) gets one id, so
   * JetStream drops the repeat within its duplicate window and consumers that keep event ids
   * (the logger) store it once after that. Needs `key`.
   */
  once?: boolean;
  /** Starts a new chain with this correlation id (only without `causedBy`). */
  correlationId?: string;
}

/** Publishes pipeline events into JetStream with de-duplicating message ids. */
export class EventPublisher {
  /**
   * @param declared the subjects `config/apps/<producer>.yaml` lists under `publishes:`; any other
   *   subject is refused here, as the router refuses it in production (undefined: no check, for tools).
   */
  constructor(
    private readonly js: JetStreamClient,
    private readonly ns: Namespace,
    private readonly producer: string,
    private readonly declared?: readonly string[],
  ) {}

  async publish<T extends z.ZodType>(
    contract: Contract<string, T>,
    payload: z.input<T>,
    options: PublishOptions = {},
  ): Promise<Envelope<z.infer<T>>> {
    if (this.declared && !this.declared.some((pattern) => subjectMatches(pattern, contract.subject))) {
      throw new HandlerWiringError(
        `${this.producer} publishes ${contract.subject}, which config/apps/${this.producer}.yaml does not declare under "publishes:" ` +
          '(the router refuses undeclared subjects in production)',
      );
    }
    const checked = contract.schema.safeParse(payload);
    if (!checked.success) {
      throw new InvalidMessageError(`Refusing to publish an invalid ${contract.subject}: ${describeIssues(checked.error)}`);
    }
    const envelope = this.envelope(contract.subject, checked.data, options);
    await this.publishEnvelope(envelope, options.causedBy);
    return envelope;
  }

  /**
   * Resolves only once the stream has stored the event (its ack came back). Every failure is a
   * `PublishError`, an `UnavailableError`: the caller must not mark anything done, and the
   * transport retries the message without counting an attempt.
   */
  async publishEnvelope(envelope: Envelope, causedBy?: PublishOptions['causedBy']): Promise<void> {
    try {
      await this.js.publish(this.ns.subject(envelope.subject), encodeJson(envelope), {
        msgID: envelope.id,
        headers: traceHeaders(traceparentFor(envelope, traceOf(causedBy))),
      });
    } catch (error) {
      throw new PublishError(envelope.subject, error);
    }
  }

  envelope<P>(subject: string, payload: P, options: PublishOptions): Envelope<P> {
    if (options.once && options.key === undefined) throw new Error(`publish ${subject}: once needs a key (what is announced once)`);
    const id =
      options.key !== undefined
        ? deterministicId(options.once ? '' : (options.causedBy?.id ?? ''), subject, options.key)
        : options.causedBy
          ? deterministicId(options.causedBy.id, subject)
          : randomId();
    return {
      id,
      subject,
      occurredAt: new Date().toISOString(),
      correlationId: options.causedBy?.correlationId ?? options.correlationId ?? id,
      causationId: options.causedBy?.id ?? null,
      producer: this.producer,
      payload,
    };
  }
}
