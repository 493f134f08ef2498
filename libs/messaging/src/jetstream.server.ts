import {
  DeadLetterV1,
  EnvelopeSchema,
  eventContract,
  DEAD_LETTER_PREFIX,
  deadLetterSubject,
  type Envelope,
  type RequestContract,
} from '#contracts';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type winston from 'winston';
import type { z } from 'zod';
import type { HandlerExtras } from './decorators.js';
import { errorMessage, ExpectedError, HandlerWiringError, PoisonMessageError, RetryLaterError } from './errors.js';
import { EventContext } from './event-context.js';
import { EventPublisher } from './event-publisher.js';
import type { Namespace } from './namespace.js';
import { attachTrace, type HandlerOutcome, type MessagingObserver } from './observer.js';
import { checkConsumer } from './provision.js';
import type { ConsumerConfig, PipelineTopology } from './streams.config.js';
import { decodeJson, describeIssues, encodeJson, rawPreview, type ReplyBody } from './wire.js';

export interface JetStreamServerOptions {
  app: string;
  nc: NatsConnection;
  ns: Namespace;
  topology: PipelineTopology;
  logger: winston.Logger;
  /** Told about every handled message (metrics); optional so tests and tools need none. */
  observer?: MessagingObserver;
}

type DeadLetterReason = DeadLetterV1['reason'];

/**
 * NestJS transport strategy: pipeline events from JetStream durable pull consumers (at least
 * once: ack after the handler completes, nak with backoff, dead letter after the last attempt),
 * request/reply on core NATS with a queue group per app.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private readonly runners: ConsumerRunner[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly js: JetStreamClient;

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.js = jetstream(options.nc);
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const route = this.normalizePattern(pattern as string);
    if (this.messageHandlers.has(route)) {
      const first = (this.messageHandlers.get(route)!.extras as HandlerExtras | undefined)?.handler;
      throw new HandlerWiringError(
        `App "${this.options.app}": two handlers claim ${route} (${first ?? '?'} and ${String(extras.handler ?? '?')}); a subject has exactly one handler per app.`,
      );
    }
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await Promise.all(this.subscriptions.map((sub) => sub.drain().catch(() => undefined)));
    this.runners.length = 0;
    this.subscriptions.length = 0;
  }

  on(): never {
    throw new Error('JetStreamServer does not emit events');
  }

  /** Each declared consumer and whether its pull loop is running (readiness probe). */
  consumerStatus(): { durable: string; running: boolean }[] {
    return this.runners.map((runner) => runner.status());
  }

  unwrap<T>(): T {
    return this.options.nc as T;
  }

  private async start(): Promise<void> {
    const { app, topology } = this.options;
    const consumers = topology.consumers[app] ?? [];
    this.checkWiring(consumers);
    for (const [subject, handler] of this.messageHandlers) {
      if (!handler.isEventHandler) this.subscribeRequests(subject, handler);
    }
    if (consumers.length > 0) {
      const jsm = await jetstreamManager(this.options.nc);
      for (const consumer of consumers) {
        const drift = await checkConsumer(jsm, consumer, this.options.ns);
        if (drift.length > 0) {
          this.options.logger.warn(`consumer ${consumer.durable} differs from config/apps/${app}.yaml (${drift.join(', ')}): run "npm run provision"`);
        }
        const runner = new ConsumerRunner(consumer, this.messageHandlers.get(consumer.filter)!, this.js, this.options);
        await runner.start();
        this.runners.push(runner);
      }
    }
    // Subscriptions are sent lazily; flush so a request right after boot finds its responder.
    await this.options.nc.flush();
    this.options.logger.info(
      `listening: ${consumers.map((c) => `${c.durable}<-${c.filter}`).join(', ') || 'no pipeline consumers'}; ` +
        `${this.subscriptions.length} request subjects`,
    );
  }

  /** Boot fails unless every declared consumer has one handler and every event handler a consumer. */
  private checkWiring(consumers: ConsumerConfig[]): void {
    const app = this.options.app;
    for (const consumer of consumers) {
      const handler = this.messageHandlers.get(consumer.filter);
      if (!handler || !handler.isEventHandler) {
        throw new HandlerWiringError(
          `App "${app}": config/apps/${app}.yaml declares consumer "${consumer.durable}" for ${consumer.filter}, ` +
            `but no @OnEvent('${consumer.filter}') handler exists in the app module.`,
        );
      }
    }
    for (const [subject, handler] of this.messageHandlers) {
      if (handler.isEventHandler && !consumers.some((c) => c.filter === subject)) {
        throw new HandlerWiringError(
          `App "${app}": ${(handler.extras as HandlerExtras).handler ?? 'a handler'} subscribes to ${subject}, ` +
            `but config/apps/${app}.yaml declares no consumer with that filter.`,
        );
      }
    }
  }

  private subscribeRequests(subject: string, handler: MessageHandler): void {
    const extras = handler.extras as HandlerExtras;
    const contract = extras.contract as RequestContract<string, z.ZodType, z.ZodType> | undefined;
    if (!contract || !('request' in contract)) {
      throw new HandlerWiringError(`App "${this.options.app}": request handler ${subject} must use @OnRequest(contract).`);
    }
    const sub = this.options.nc.subscribe(this.options.ns.subject(subject), {
      queue: this.options.app,
      callback: (error, msg) => {
        if (error) {
          this.options.logger.error(`subscription ${subject} failed: ${error.message}`);
          return;
        }
        void this.answer(msg, subject, contract, handler);
      },
    });
    this.subscriptions.push(sub);
  }

  private async answer(
    msg: Msg,
    subject: string,
    contract: RequestContract<string, z.ZodType, z.ZodType>,
    handler: MessageHandler,
  ): Promise<void> {
    const reply = (body: ReplyBody): void => {
      if (msg.reply) msg.respond(encodeJson(body));
    };
    const decoded = decodeJson(msg.data);
    if (!decoded.ok) return reply({ ok: false, error: { code: 'bad-request', message: decoded.error } });
    const request = contract.request.safeParse(decoded.value);
    if (!request.success) {
      return reply({ ok: false, error: { code: 'bad-request', message: describeIssues(request.error) } });
    }
    try {
      // The caller validates the response against the same contract; checking it here too would
      // double the cost of every request for the same guarantee.
      const result = await settle(await handler(request.data));
      reply({ ok: true, data: result });
    } catch (error) {
      const remote = toRemoteError(error);
      if (remote.code === 'internal') {
        this.options.logger.error(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { subject });
      }
      reply({ ok: false, error: remote });
    }
  }
}

/** Waits for a handler's promise or observable to finish; its error (passed on by `RethrowFilter`) is thrown. */
async function settle(result: unknown): Promise<unknown> {
  return isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
}

function toRemoteError(error: unknown): { code: string; message: string } {
  // Only an ExpectedError's code goes out; any other error, even one with a `code` (a driver's
  // `ER_DUP_ENTRY`), is internal: its details stay in the owner's log.
  if (error instanceof ExpectedError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'internal error (see the owner service log)' };
}

/**
 * The NATS client writes to the socket once per microtask turn; acks of concurrent handlers
 * finish in separate turns, so acking one by one costs one socket write per message. Acks
 * collected until the next macrotask go out in one write. The ack still follows its handler.
 */
class AckBatcher {
  private pending: JsMsg[] = [];
  private scheduled = false;

  ack(msg: JsMsg): void {
    this.pending.push(msg);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (const msg of batch) msg.ack();
  }
}

class ConsumerRunner {
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];
  private readonly slotFree: (() => void)[] = [];
  private readonly publisher: EventPublisher;
  private readonly handlerName: string;
  /** Messages being handled and when they arrived; one timer keeps the slow ones alive. */
  private readonly working = new Map<JsMsg, number>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly acks = new AckBatcher();
  private readonly began = new Map<JsMsg, number>();
  private loopEnded = false;

  constructor(
    private readonly consumer: ConsumerConfig,
    private readonly handler: MessageHandler,
    private readonly js: JetStreamClient,
    private readonly options: JetStreamServerOptions,
  ) {
    this.publisher = new EventPublisher(js, options.ns, options.app);
    this.handlerName = (handler.extras as HandlerExtras | undefined)?.handler ?? `${options.app}:${consumer.filter}`;
  }

  async start(): Promise<void> {
    const stream = this.options.ns.stream(this.consumer.stream);
    const consumer = await this.js.consumers.get(stream, this.consumer.durable);
    this.messages = await consumer.consume({ max_messages: Math.min(this.consumer.concurrency * 2, this.consumer.max_ack_pending) });
    const every = Math.max(250, Math.floor(this.consumer.ack_wait / 3));
    this.heartbeat = setInterval(() => this.keepAlive(every), every);
    this.heartbeat.unref();
    this.loop = this.run(this.messages);
  }

  /** `working()` for every message in a handler longer than a third of the ack wait. */
  private keepAlive(olderThanMs: number): void {
    const now = Date.now();
    for (const [msg, since] of this.working) if (now - since >= olderThanMs) msg.working();
  }

  async stop(): Promise<void> {
    if (!this.messages) return;
    await this.messages.close().catch(() => undefined);
    await this.loop;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.acks.flush();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.messages = null;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.inFlight >= this.consumer.concurrency) {
        await new Promise<void>((resolve) => this.slotFree.push(resolve));
      }
      this.inFlight++;
      void this.handleCounted(msg);
    }
    this.loopEnded = true;
  }

  status(): { durable: string; running: boolean } {
    return { durable: this.consumer.durable, running: this.messages !== null && !this.loopEnded };
  }

  /** Metrics: one call where each message's fate is decided (ack, nak, term). */
  private report(msg: JsMsg, subject: string, outcome: HandlerOutcome): void {
    const began = this.began.get(msg);
    if (began === undefined || !this.options.observer) return;
    this.began.delete(msg);
    this.options.observer.handlerFinished(this.handlerName, subject, outcome, (performance.now() - began) / 1000);
  }

  private async handleCounted(msg: JsMsg): Promise<void> {
    if (this.options.observer) {
      this.began.set(msg, performance.now());
      this.options.observer.handlerStarted(this.handlerName, this.options.ns.logical(msg.subject));
    }
    try {
      await this.handle(msg);
    } catch (error) {
      // handle() settles every message itself; reaching here is a bug, and the message is left to
      // the ack wait for redelivery rather than lost.
      this.options.logger.error(`unexpected delivery fault: ${errorMessage(error)}`);
    } finally {
      this.inFlight--;
      this.slotFree.shift()?.();
      if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const info = msg.info;
    const attempt = info.deliveryCount;
    const subject = this.options.ns.logical(msg.subject);
    const decoded = decodeJson(msg.data);
    if (!decoded.ok) return this.deadLetter(msg, subject, null, 'invalid-envelope', decoded.error);
    const parsed = EnvelopeSchema.safeParse(decoded.value);
    if (!parsed.success) return this.deadLetter(msg, subject, null, 'invalid-envelope', describeIssues(parsed.error));
    const envelope = parsed.data as Envelope;
    attachTrace(envelope, msg.headers);
    if (envelope.subject !== subject) {
      return this.deadLetter(msg, subject, envelope, 'invalid-envelope', `envelope names ${envelope.subject} but arrived on ${subject}`);
    }
    if (attempt > this.consumer.max_deliver) {
      return this.deadLetter(msg, subject, envelope, 'max-deliveries', 'delivered again after the last attempt (its handler probably crashed the process)');
    }
    const schema = this.payloadSchema(subject);
    let payload: unknown = envelope.payload;
    if (schema) {
      const checked = schema.safeParse(envelope.payload);
      if (!checked.success) return this.deadLetter(msg, subject, envelope, 'invalid-payload', describeIssues(checked.error));
      payload = checked.data;
    }
    this.working.set(msg, Date.now());
    const context = new EventContext(envelope, attempt, info.streamSequence, () => msg.working(), this.options.logger);
    try {
      await settle(await this.handler(payload, context));
      this.acks.ack(msg);
      this.report(msg, subject, 'handled');
    } catch (error) {
      await this.failed(msg, subject, envelope, attempt, error);
    } finally {
      this.working.delete(msg);
    }
  }

  private payloadSchema(subject: string): z.ZodType | undefined {
    const extras = this.handler.extras as HandlerExtras | undefined;
    if (extras?.contract && 'schema' in extras.contract) return extras.contract.schema;
    if (subject.startsWith(DEAD_LETTER_PREFIX)) return DeadLetterV1;
    return eventContract(subject)?.schema;
  }

  private async failed(msg: JsMsg, subject: string, envelope: Envelope, attempt: number, error: unknown): Promise<void> {
    const message = errorMessage(error);
    if (error instanceof PoisonMessageError) return this.deadLetter(msg, subject, envelope, 'poison', message);
    if (error instanceof RetryLaterError) {
      const delay = Math.max(0, Math.round(error.delayMs));
      this.options.logger.info(`deferred for ${Math.round(delay / 1000)} s: ${message}`, { subject, correlationId: envelope.correlationId });
      msg.nak(delay);
      return;
    }
    if (attempt >= this.consumer.max_deliver) return this.deadLetter(msg, subject, envelope, 'max-deliveries', message);
    const delay = this.consumer.backoff[Math.min(attempt - 1, this.consumer.backoff.length - 1)]!;
    this.options.logger.warn(`attempt ${attempt}/${this.consumer.max_deliver} failed, retry in ${delay} ms: ${message}`, {
      subject,
      correlationId: envelope.correlationId,
    });
    msg.nak(delay);
    this.report(msg, subject, 'retried');
  }

  private async deadLetter(
    msg: JsMsg,
    subject: string,
    envelope: Envelope | null,
    reason: DeadLetterReason,
    error: string,
  ): Promise<void> {
    const logger = this.options.logger;
    if (subject.startsWith(DEAD_LETTER_PREFIX)) {
      // A broken dead letter is not dead-lettered again; that would loop.
      logger.error(`dropping unreadable dead letter #${msg.info.streamSequence}: ${error}`, { subject });
      msg.term(reason);
      this.report(msg, subject, 'dead-lettered');
      return;
    }
    const record: DeadLetterV1 = {
      originalSubject: subject,
      streamSequence: msg.info.streamSequence,
      eventId: envelope?.id ?? null,
      correlationId: envelope?.correlationId ?? null,
      consumer: this.consumer.durable,
      handler: this.handlerName,
      reason,
      error: error.slice(0, 8000),
      attempts: msg.info.deliveryCount,
      failedAt: new Date().toISOString(),
      raw: rawPreview(msg.data),
    };
    const dlqSubject = deadLetterSubject(subject);
    const dlqEnvelope = this.publisher.envelope(dlqSubject, record, {
      causedBy: envelope ? { id: envelope.id, correlationId: envelope.correlationId } : undefined,
      key: `${this.consumer.durable}:${msg.info.streamSequence}`,
    });
    try {
      await this.js.publish(this.options.ns.subject(dlqSubject), encodeJson(dlqEnvelope), { msgID: dlqEnvelope.id });
    } catch (publishError) {
      logger.error(`cannot publish the dead letter for #${msg.info.streamSequence}, will retry: ${errorMessage(publishError)}`, { subject });
      msg.nak(this.consumer.backoff[0]);
      this.report(msg, subject, 'retried');
      return;
    }
    logger.error(`dead letter (${reason}) after ${msg.info.deliveryCount} attempt(s) in ${this.handlerName}: ${error.slice(0, 500)}`, {
      subject,
      correlationId: envelope?.correlationId,
    });
    msg.term(reason);
    this.report(msg, subject, 'dead-lettered');
  }
}
