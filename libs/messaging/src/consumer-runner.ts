import { DeadLetterV1, EnvelopeSchema, eventContract, DEAD_LETTER_PREFIX, deadLetterSubject, type Envelope } from '#contracts';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type winston from 'winston';
import type { z } from 'zod';
import { CircuitBreaker, DEFAULT_BREAKER_TIMING, type BreakerTiming } from './circuit-breaker.js';
import type { HandlerExtras } from './decorators.js';
import { errorMessage, PoisonMessageError, RetryLaterError, unavailableDependency, UnavailableError } from './errors.js';
import { EventContext } from './event-context.js';
import { EventPublisher } from './event-publisher.js';
import type { Namespace } from './namespace.js';
import { attachTrace, type HandlerOutcome, type MessagingObserver } from './observer.js';
import type { ConsumerConfig } from './streams.config.js';
import { decodeJson, describeIssues, encodeJson, rawPreview } from './wire.js';

type DeadLetterReason = DeadLetterV1['reason'];

export interface ConsumerRunnerOptions {
  app: string;
  nc: NatsConnection;
  ns: Namespace;
  logger: winston.Logger;
  breakerTiming?: BreakerTiming;
  observer?: MessagingObserver;
}

/** The subject an owner app answers pings on, for the breaker's probe (`catalog.ping.v1`). */
export function pingSubject(owner: string): string {
  return `${owner}.ping.v1`;
}

/** Waits for a handler's promise or observable to finish; its error (passed on by `RethrowFilter`) is thrown. */
export async function settle(result: unknown): Promise<unknown> {
  return isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
}

/*
 * A stored message is its stream sequence and the time the stream stored it (the same in every
 * delivery of it). The time guards against a stream deleted and made again under running apps,
 * whose sequences start over: a new message must never pass for one settled before. The maps
 * below are keyed by the sequence (a number: a string key built per message cost about 0.4 µs in
 * building and hashing) and compare the stored time where a key matches.
 */

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

interface Owned {
  /** When this delivery reached us. */
  since: number;
  /** The stream sequence and stored time (`msg.info` parses the reply subject once, then these are fields). */
  seq: number;
  stored: number;
  /** The logical subject (namespace removed), computed once per delivery. */
  subject: string;
  /** `performance.now()` when its handling first started, for the metrics (only with an observer). */
  began?: number;
  /** Times it went back to the queue because a dependency was down. */
  holds?: number;
  /** A dead letter to publish again (the DLQ publish failed), instead of running the handler. */
  deadLetter?: { envelope: Envelope | null; reason: DeadLetterReason; error: string };
}

/**
 * One run of a message through its handler. A run given up at `max_handler_time` must stay apart
 * from a later run of the same message (held, then started again) while its handler still runs.
 */
interface Run {
  readonly msg: JsMsg;
  /** `performance.now()` past which the handler is given up; Infinity until the handler is called. */
  deadline: number;
  /** Given up at `max_handler_time`: whatever the handler does later is ignored. */
  overtime: boolean;
  subject: string;
  envelope: Envelope | null;
  attempt: number;
}

/** At most this many settled sequences remembered, whatever the rate. */
const SETTLED_MAX = 50_000;
/** How long one pull request waits for its batch (the server ends it then with what there is). */
const FETCH_EXPIRES_MS = 30_000;

/**
 * One durable pull consumer of one app. Messages it owns (queued or in a handler) get `working()`
 * heartbeats, so `ack_wait` can be short: a crash strands little, a long handler survives. When a
 * handler fails because a dependency is down (`UnavailableError`: an owner, JetStream, a
 * database), the message goes back to the queue without counting an attempt, the breaker opens,
 * pulling stops, and everything owned is held until a probe says the dependency answers again.
 * A handler past `max_handler_time` is a failure like any other (retried or dead-lettered).
 */
export class ConsumerRunner {
  private consumerHandle: Consumer | null = null;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly owned = new Map<JsMsg, Owned>();
  private readonly queue: JsMsg[] = [];
  /** Runs in start order; since `max_handler_time` is one figure, also in deadline order. */
  private readonly running = new Map<JsMsg, Run>();
  /** One timer for `max_handler_time`, due at the oldest running handler's deadline (not one per message). */
  private overtimeTimer: NodeJS.Timeout | null = null;
  private readonly idle: (() => void)[] = [];
  private roomWaiter: (() => void) | null = null;
  private readonly publisher: EventPublisher;
  private readonly handlerName: string;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly acks = new AckBatcher();
  readonly breaker: CircuitBreaker;
  private readonly limit: number;
  /** The copy of each stream sequence this runner owns (one handler per message, whatever the server redelivers). */
  private readonly bySeq = new Map<number, JsMsg>();
  /** Sequences this runner acked or dead-lettered lately (with their stored time): a late redelivery of one is acked, not handled. */
  private readonly settled = new Map<number, number>();
  /**
   * The same sequences and times oldest first, as a queue (`settledHead` is its front). Expiring
   * from the front of the Map itself cost O(deleted entries) per message: V8 keeps deleted Map
   * entries in place until it rehashes, and iteration walks over them.
   */
  private settledSeqs: number[] = [];
  private settledStored: number[] = [];
  private settledAt: number[] = [];
  private settledHead = 0;
  /**
   * Per stream sequence not yet settled: the highest delivery count seen, and how many of those
   * deliveries were redeliveries of a copy still being handled here. Those are not attempts.
   */
  private readonly deliveries = new Map<number, { stored: number; count: number; uncounted: number }>();

  constructor(
    private readonly consumer: ConsumerConfig,
    private readonly handler: MessageHandler,
    private readonly js: JetStreamClient,
    private readonly options: ConsumerRunnerOptions,
  ) {
    this.publisher = new EventPublisher(js, options.ns, options.app);
    this.handlerName = (handler.extras as HandlerExtras | undefined)?.handler ?? `${options.app}:${consumer.filter}`;
    // Queued plus running: each pull asks for the room under it; at it, pulling waits for room.
    this.limit = Math.min(consumer.concurrency + (consumer.prefetch ?? consumer.concurrency), consumer.max_ack_pending);
    this.breaker = new CircuitBreaker(
      `consumer ${consumer.durable}`,
      (down) => this.probeFor(down),
      options.logger,
      () => this.resume(),
      options.breakerTiming ?? { ...DEFAULT_BREAKER_TIMING, maxProbeMs: consumer.max_probe_interval },
    );
  }

  async start(): Promise<void> {
    const stream = this.options.ns.stream(this.consumer.stream);
    this.consumerHandle = await this.js.consumers.get(stream, this.consumer.durable);
    const every = Math.max(250, Math.floor(this.consumer.ack_wait / 3));
    this.heartbeat = setInterval(() => this.keepAlive(every), every);
    this.heartbeat.unref();
    this.loop = this.pull();
  }

  async stop(): Promise<void> {
    if (this.stopping || !this.loop) return;
    this.stopping = true;
    this.breaker.stop();
    this.roomWaiter?.();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    if (this.running.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    // Not started: give them back at once rather than after ack_wait.
    for (const msg of this.queue.splice(0)) msg.nak();
    this.owned.clear();
    this.bySeq.clear();
    this.deliveries.clear();
    this.acks.flush();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.overtimeTimer) clearTimeout(this.overtimeTimer);
    this.overtimeTimer = null;
  }

  /** Running unless stopped; a pause for an outage is running too (it is waiting on purpose). */
  status(): { durable: string; running: boolean; paused: boolean } {
    return { durable: this.consumer.durable, running: this.loop !== null && !this.stopping, paused: this.breaker.isOpen };
  }

  /** `working()` for every owned message older than a third of the ack wait. */
  private keepAlive(olderThanMs: number): void {
    const now = Date.now();
    for (const [msg, owned] of this.owned) if (now - owned.since >= olderThanMs) msg.working();
  }

  private async pull(): Promise<void> {
    while (!this.stopping) {
      await this.breaker.whenClosed();
      await this.room();
      if (this.stopping) return;
      // One pull request for exactly the room there is, read to its end. A consume() closed when the
      // runner is full drops its inbox at once while the server's pull request stays open: what the
      // server still sends to it is never seen and comes back only after ack_wait, out of order.
      const room = this.limit - this.owned.size;
      if (room <= 0) continue;
      let messages: ConsumerMessages;
      try {
        messages = await this.consumerHandle!.fetch({ max_messages: room, expires: FETCH_EXPIRES_MS });
      } catch (error) {
        this.breaker.trip(new UnavailableError('jetstream', `cannot pull from ${this.consumer.durable}: ${errorMessage(error)}`, { cause: error }));
        continue;
      }
      this.messages = messages;
      try {
        for await (const msg of messages) {
          const { streamSequence: seq, timestampNanos: stored } = msg.info;
          if (this.duplicate(msg, seq, stored)) continue;
          this.owned.set(msg, { since: Date.now(), seq, stored, subject: this.options.ns.logical(msg.subject) });
          this.bySeq.set(seq, msg);
          this.queue.push(msg);
          this.pump();
        }
      } catch (error) {
        if (!this.stopping) this.options.logger.warn(`consumer ${this.consumer.durable}: pull stopped (${errorMessage(error)}), pulling again`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        this.messages = null;
      }
    }
  }

  /** Resolves when fewer than half the limit are owned (or at stop). */
  private room(): Promise<void> {
    if (this.stopping || this.owned.size < Math.max(1, Math.floor(this.limit / 2))) return Promise.resolve();
    return new Promise((resolve) => {
      this.roomWaiter = resolve;
    });
  }

  private resume(): void {
    this.pump();
  }

  /** Starts queued messages while slots are free and the breaker is closed. */
  private pump(): void {
    while (this.queue.length > 0 && this.running.size < this.consumer.concurrency && !this.breaker.isOpen && !this.stopping) {
      const msg = this.queue.shift()!;
      const owned = this.owned.get(msg);
      const run: Run = { msg, deadline: Infinity, overtime: false, subject: owned?.subject ?? this.options.ns.logical(msg.subject), envelope: null, attempt: 0 };
      this.running.set(msg, run);
      void this.handleCounted(run, owned);
    }
  }

  private async handleCounted(run: Run, owned: Owned | undefined): Promise<void> {
    const msg = run.msg;
    if (this.options.observer && owned && owned.began === undefined) {
      owned.began = performance.now();
      this.options.observer.handlerStarted(this.handlerName, run.subject);
    }
    try {
      if (owned?.deadLetter) {
        const { envelope, reason, error } = owned.deadLetter;
        await this.deadLetter(msg, run.subject, envelope, reason, error);
      } else {
        await this.handle(run, owned);
      }
    } catch (error) {
      // handle() settles every message itself; reaching here is a bug, and the message is left to
      // the ack wait for redelivery rather than lost.
      this.options.logger.error(`unexpected delivery fault: ${errorMessage(error)}`);
      this.release(msg);
    } finally {
      // A run given up at max_handler_time is finished by giveUp(), once its failure is settled.
      if (!run.overtime) this.finish(run);
    }
  }

  /** The run's slot is free: wake whoever waits for room or for idle, start the next. */
  private finish(run: Run): void {
    // A run given up at max_handler_time was finished then; its handler returning later frees nothing.
    if (this.running.get(run.msg) !== run) return;
    this.running.delete(run.msg);
    if (this.running.size === 0) for (const resolve of this.idle.splice(0)) resolve();
    if (this.roomWaiter && this.owned.size < Math.max(1, Math.floor(this.limit / 2))) {
      const resolve = this.roomWaiter;
      this.roomWaiter = null;
      resolve();
    }
    this.pump();
  }

  /** Arms the `max_handler_time` watch for a run whose handler is being called now. */
  private watch(run: Run): void {
    run.deadline = performance.now() + this.consumer.max_handler_time;
    if (!this.overtimeTimer) this.armOvertime(this.consumer.max_handler_time);
  }

  private armOvertime(delayMs: number): void {
    this.overtimeTimer = setTimeout(() => this.checkOvertime(), delayMs);
    this.overtimeTimer.unref();
  }

  /**
   * Gives up every run past its deadline, then sleeps until the next deadline. Runs are in start
   * order and deadlines are start + `max_handler_time`, so the first run not yet due ends the scan.
   * A run that finished early is simply gone from the map: the timer firing for it finds the next.
   */
  private checkOvertime(): void {
    this.overtimeTimer = null;
    const now = performance.now();
    for (const run of this.running.values()) {
      if (run.overtime || run.deadline === Infinity) continue;
      if (run.deadline > now) return this.armOvertime(run.deadline - now);
      void this.giveUp(run);
    }
  }

  private async giveUp(run: Run): Promise<void> {
    run.overtime = true;
    const limit = `${Math.round(this.consumer.max_handler_time / 1000)} s`;
    this.options.logger.error(`handler ${this.handlerName} still running after max_handler_time (${limit}); the message is given up here`, {
      subject: run.subject,
      correlationId: run.envelope?.correlationId,
    });
    // The slot is freed for other work once the failure is settled; whatever the stuck handler does later is ignored.
    try {
      await this.failed(run.msg, run.subject, run.envelope!, run.attempt, new Error(`handler ran past max_handler_time (${limit})`));
    } catch (error) {
      this.options.logger.error(`unexpected delivery fault: ${errorMessage(error)}`);
      this.release(run.msg);
    } finally {
      this.finish(run);
    }
  }

  /** Settled: no longer ours (acked, nak'd or dead-lettered). */
  private release(msg: JsMsg, outcome?: HandlerOutcome): void {
    const owned = this.owned.get(msg);
    const seq = owned?.seq ?? msg.info.streamSequence;
    this.owned.delete(msg);
    if (this.bySeq.get(seq) === msg) this.bySeq.delete(seq);
    if (outcome === 'handled' || outcome === 'dead-lettered') {
      this.remember(seq, owned?.stored ?? msg.info.timestampNanos);
      if (this.deliveries.size > 0) this.deliveries.delete(seq);
    }
    // Metrics: one call where each message's fate is decided (ack, nak, dead letter).
    if (outcome && owned?.began !== undefined && this.options.observer) {
      this.options.observer.handlerFinished(this.handlerName, owned.subject, outcome, (performance.now() - owned.began) / 1000);
    }
  }

  /**
   * The server redelivers a message whose ack wait ran out although its first copy is still here
   * (heartbeats late: an event loop stalled by a CPU-bound handler, GC, an overloaded machine) or
   * whose ack it had not yet received. On every server version (2.9 included) acks and `working()`
   * count per stream sequence, so the first copy settles the message for both: the second copy is
   * not handled (it would run the handler twice, or after its dead letter). A copy of a message
   * this runner already acked or dead-lettered is acked again.
   */
  private duplicate(msg: JsMsg, seq: number, stored: number): boolean {
    let seen = this.deliveries.size > 0 ? this.deliveries.get(seq) : undefined;
    if (seen && seen.stored !== stored) {
      // Counts of a message of a stream made again since: not this one.
      this.deliveries.delete(seq);
      seen = undefined;
    }
    const earlier = this.bySeq.get(seq);
    if (earlier && earlier.info.timestampNanos === stored) {
      if (!seen) {
        // Counts are kept only for sequences delivered again while a copy is here (the only case
        // with deliveries that are no attempt); the copy here is the highest delivery seen so far.
        seen = { stored, count: earlier.info.deliveryCount, uncounted: 0 };
        this.deliveries.set(seq, seen);
      }
      if (msg.info.deliveryCount > seen.count) {
        seen.uncounted += msg.info.deliveryCount - seen.count;
        seen.count = msg.info.deliveryCount;
      }
      this.options.logger.warn(`#${msg.info.streamSequence} delivered again (delivery ${msg.info.deliveryCount}, no attempt) while its earlier copy is still being handled; the earlier copy settles it`, {
        subject: this.options.ns.logical(msg.subject),
      });
      return true;
    }
    if (this.settled.get(seq) === stored) {
      this.options.logger.info(`#${msg.info.streamSequence} delivered again after it was settled here (the ack was late or lost); acked again, not handled`, {
        subject: this.options.ns.logical(msg.subject),
      });
      this.acks.ack(msg);
      return true;
    }
    if (seen) seen.count = Math.max(seen.count, msg.info.deliveryCount);
    // Bounded: a sequence that never settles here (taken over by a replica) ages out.
    if (this.deliveries.size > SETTLED_MAX) this.deliveries.delete(this.deliveries.keys().next().value!);
    return false;
  }

  /** The attempt this delivery is: the server's delivery count less the redeliveries that were no attempt. */
  private attemptOf(msg: JsMsg, owned?: Owned): number {
    if (this.deliveries.size === 0) return Math.max(1, msg.info.deliveryCount);
    const seen = this.deliveries.get((owned ?? this.owned.get(msg))?.seq ?? msg.info.streamSequence);
    const uncounted = seen && seen.stored === msg.info.timestampNanos ? seen.uncounted : 0;
    return Math.max(1, msg.info.deliveryCount - uncounted);
  }

  private remember(seq: number, stored: number): void {
    const now = Date.now();
    this.settled.set(seq, stored);
    this.settledSeqs.push(seq);
    this.settledStored.push(stored);
    this.settledAt.push(now);
    // Long enough for any redelivery already on its way; bounded whatever the rate.
    const keepMs = Math.max(60_000, 4 * this.consumer.ack_wait);
    while (this.settledHead < this.settledSeqs.length) {
      if (this.settled.size <= SETTLED_MAX && now - this.settledAt[this.settledHead]! < keepMs) break;
      const old = this.settledSeqs[this.settledHead]!;
      // Unless that sequence now stands for a message of a stream made again (a later entry keeps it).
      if (this.settled.get(old) === this.settledStored[this.settledHead]) this.settled.delete(old);
      this.settledHead++;
    }
    if (this.settledHead > 1024 && this.settledHead * 2 > this.settledSeqs.length) {
      this.settledSeqs = this.settledSeqs.slice(this.settledHead);
      this.settledStored = this.settledStored.slice(this.settledHead);
      this.settledAt = this.settledAt.slice(this.settledHead);
      this.settledHead = 0;
    }
  }

  /** Back to the queue, alive, no attempt counted: a dependency is down. */
  private hold(msg: JsMsg, down: UnavailableError): void {
    this.breaker.trip(down);
    const owned = this.owned.get(msg);
    if (owned) owned.holds = (owned.holds ?? 0) + 1;
    // The pull request open now runs to its end (what it brings waits here, alive); the next one
    // waits for the breaker. Closing it would lose what the server is still sending to it.
    this.queue.unshift(msg);
  }

  private async handle(run: Run, owned: Owned | undefined): Promise<void> {
    const msg = run.msg;
    const attempt = this.attemptOf(msg, owned);
    const subject = run.subject;
    const decoded = decodeJson(msg.data);
    if (!decoded.ok) return this.deadLetter(msg, subject, null, 'invalid-envelope', decoded.error);
    const parsed = EnvelopeSchema.safeParse(decoded.value);
    if (!parsed.success) return this.deadLetter(msg, subject, null, 'invalid-envelope', describeIssues(parsed.error));
    const envelope = parsed.data as Envelope;
    attachTrace(envelope, msg);
    if (envelope.subject !== subject) {
      return this.deadLetter(msg, subject, envelope, 'invalid-envelope', `envelope names ${envelope.subject} but arrived on ${subject}`);
    }
    if (attempt > this.consumer.max_deliver && !subject.startsWith(DEAD_LETTER_PREFIX)) {
      return this.deadLetter(msg, subject, envelope, 'max-deliveries', 'delivered again after the last attempt (its handler probably crashed the process)');
    }
    const schema = this.payloadSchema(subject);
    let payload: unknown = envelope.payload;
    if (schema) {
      const checked = schema.safeParse(envelope.payload);
      if (!checked.success) return this.deadLetter(msg, subject, envelope, 'invalid-payload', describeIssues(checked.error));
      payload = checked.data;
    }
    const context = new EventContext(envelope, attempt, msg.info.streamSequence, () => msg.working(), this.options.logger, owned?.holds ?? 0);
    run.envelope = envelope;
    run.attempt = attempt;
    this.watch(run);
    try {
      const result = await this.handler(payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      if (run.overtime) return;
      this.breaker.succeeded();
      this.release(msg, 'handled');
      this.acks.ack(msg);
    } catch (error) {
      if (run.overtime) return;
      const down = error instanceof PoisonMessageError ? null : unavailableDependency(error);
      if (down) return this.hold(msg, down);
      await this.failed(msg, subject, envelope, attempt, error);
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
      this.release(msg, 'retried');
      msg.nak(delay);
      return;
    }
    if (attempt >= this.consumer.max_deliver) return this.deadLetter(msg, subject, envelope, 'max-deliveries', message);
    const delay = this.consumer.backoff[Math.min(attempt - 1, this.consumer.backoff.length - 1)]!;
    this.options.logger.warn(`attempt ${attempt}/${this.consumer.max_deliver} failed, retry in ${delay} ms: ${message}`, {
      subject,
      correlationId: envelope.correlationId,
    });
    this.release(msg, 'retried');
    msg.nak(delay);
  }

  /**
   * Publishes the dead letter and waits for the DLQ stream's ack, then acks the original. Not
   * `term()`: nats-server before 2.10.4 ignores `term` with a reason and redelivers the message
   * every ack_wait. A dead letter that cannot be published yet is held like any message whose
   * dependency (JetStream) is down, and published again when it answers.
   */
  private async deadLetter(
    msg: JsMsg,
    subject: string,
    envelope: Envelope | null,
    reason: DeadLetterReason,
    error: string,
  ): Promise<void> {
    const logger = this.options.logger;
    if (subject.startsWith(DEAD_LETTER_PREFIX)) return this.keepDeadLetter(msg, subject, reason, error);
    const record: DeadLetterV1 = {
      originalSubject: subject,
      streamSequence: msg.info.streamSequence,
      eventId: envelope?.id ?? null,
      correlationId: envelope?.correlationId ?? null,
      consumer: this.consumer.durable,
      handler: this.handlerName,
      reason,
      error: error.slice(0, 8000),
      attempts: this.attemptOf(msg),
      failedAt: new Date().toISOString(),
      raw: rawPreview(msg.data),
    };
    const dlqSubject = deadLetterSubject(subject);
    const dlqEnvelope = this.publisher.envelope(dlqSubject, record, {
      causedBy: envelope ? { id: envelope.id, correlationId: envelope.correlationId } : undefined,
      key: `${this.consumer.durable}:${msg.info.streamSequence}`,
    });
    try {
      await this.publisher.publishEnvelope(dlqEnvelope);
    } catch (publishError) {
      logger.error(`cannot publish the dead letter for #${msg.info.streamSequence} yet, holding it: ${errorMessage(publishError)}`, { subject });
      const owned = this.owned.get(msg) ?? { since: Date.now(), seq: msg.info.streamSequence, stored: msg.info.timestampNanos, subject };
      this.owned.set(msg, { ...owned, deadLetter: { envelope, reason, error } });
      return this.hold(msg, publishError as UnavailableError);
    }
    logger.error(`dead letter (${reason}) after ${this.attemptOf(msg)} attempt(s) in ${this.handlerName}: ${error.slice(0, 500)}`, {
      subject,
      correlationId: envelope?.correlationId,
    });
    this.release(msg, 'dead-lettered');
    msg.ack();
  }

  /**
   * A dead letter its consumer (the logger) cannot handle is never dropped: storing it is retried
   * with the longest backoff for as long as it takes. Only an unreadable one (not an envelope) is
   * acked; it stays in the DLQ stream, where `npm run dlq -- list` shows it.
   */
  private keepDeadLetter(msg: JsMsg, subject: string, reason: DeadLetterReason, error: string): void {
    if (reason === 'invalid-envelope' || reason === 'invalid-payload') {
      this.release(msg, 'dead-lettered');
      this.options.logger.error(`unreadable dead letter #${msg.info.streamSequence} left in the DLQ stream: ${error}`, { subject });
      msg.ack();
      return;
    }
    this.release(msg, 'retried');
    const delay = this.consumer.backoff[this.consumer.backoff.length - 1]!;
    this.options.logger.error(`cannot handle dead letter #${msg.info.streamSequence} (${reason}), retrying in ${delay} ms: ${error}`, { subject });
    msg.nak(delay);
  }

  private probeFor(down: UnavailableError): () => Promise<unknown> {
    if (down.probe) return down.probe;
    if (down.dependency === 'jetstream' || down.dependency === 'nats') return () => this.consumerHandle!.info();
    const subject = this.options.ns.subject(pingSubject(down.dependency));
    return async () => {
      const reply = await this.options.nc.request(subject, encodeJson({}), { timeout: 2000 });
      const body = decodeJson(reply.data);
      if (!body.ok || (body.value as { ok?: unknown }).ok !== true) throw new Error(`${subject}: not ok`);
    };
  }
}
