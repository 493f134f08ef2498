import type { RequestContract } from '#contracts';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type winston from 'winston';
import type { z } from 'zod';
import type { BreakerTiming } from './circuit-breaker.js';
import { ConsumerRunner, pingSubject, settle } from './consumer-runner.js';
import type { HandlerExtras } from './decorators.js';
import { ExpectedError, HandlerWiringError, ownerOf } from './errors.js';
import type { Namespace } from './namespace.js';
import type { MessagingObserver } from './observer.js';
import { checkConsumer } from './provision.js';
import type { ConsumerConfig, PipelineTopology } from './streams.config.js';
import { decodeJson, describeIssues, encodeJson, type ReplyBody } from './wire.js';

export interface JetStreamServerOptions {
  app: string;
  nc: NatsConnection;
  ns: Namespace;
  topology: PipelineTopology;
  logger: winston.Logger;
  /** Told about every handled message (metrics); optional so tests and tools need none. */
  observer?: MessagingObserver;
  /** Probe delays of the consumers' circuit breakers (tests shorten them). */
  breakerTiming?: BreakerTiming;
}

/**
 * NestJS transport strategy: pipeline events from JetStream durable pull consumers (at least
 * once: ack after the handler completes, nak with backoff, dead letter after the last attempt),
 * request/reply on core NATS with a queue group per app.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  readonly runners: ConsumerRunner[] = [];
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
    const owners = new Set<string>();
    for (const [subject, handler] of this.messageHandlers) {
      if (handler.isEventHandler) continue;
      this.subscribeRequests(subject, handler);
      owners.add(ownerOf(subject));
    }
    for (const owner of owners) this.subscribePing(owner);
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

  /**
   * `<owner>.ping.v1`: the cheap request a stage's circuit breaker sends to learn that an owner it
   * could not reach answers again. Answered by the transport, so it needs no handler.
   */
  private subscribePing(owner: string): void {
    const sub = this.options.nc.subscribe(this.options.ns.subject(pingSubject(owner)), {
      queue: this.options.app,
      callback: (error, msg) => {
        if (!error && msg.reply) msg.respond(encodeJson({ ok: true, data: { app: this.options.app } }));
      },
    });
    this.subscriptions.push(sub);
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

function toRemoteError(error: unknown): { code: string; message: string } {
  // Only an ExpectedError's code goes out; any other error, even one with a `code` (a driver's
  // `ER_DUP_ENTRY`), is internal: its details stay in the owner's log.
  if (error instanceof ExpectedError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'internal error (see the owner service log)' };
}
