import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap, type RunningApp } from '#bootstrap';
import type { Contract, Envelope } from '#contracts';
import { connectNats, decodeJson, EventPublisher, loadTopology, Namespace, provisionTopology, RequestClient, subjectMatches } from '#messaging';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DynamicModule, Type } from '@nestjs/common';
import type { z } from 'zod';
import { parse, stringify } from 'yaml';

export interface TestBusOptions {
  /** Consumers of test-only stages (written as `config/apps/<app>.yaml`). */
  consumers?: Record<string, Record<string, unknown>[]>;
  /** Overrides of the `delivery:` defaults (short backoffs for tests). */
  delivery?: Record<string, unknown>;
  natsUrl?: string;
  /** Credentials of the bus's own connection (on a server with the generated permissions). */
  user?: string;
  password?: string;
  /** A fixed namespace; '' runs on the real subjects (only on a server of the test's own). */
  namespace?: string;
}

/**
 * An isolated pipeline on the real NATS server: a fresh namespace (so streams and subjects do not
 * collide with other runs), the project's stream config plus test consumers, and clients.
 */
export class TestBus {
  readonly apps: RunningApp[] = [];

  private constructor(
    readonly ns: Namespace,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly configDir: string,
    readonly natsUrl: string,
    readonly publisher: EventPublisher,
    readonly requests: RequestClient,
  ) {}

  static async create(options: TestBusOptions = {}): Promise<TestBus> {
    const natsUrl = options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const ns = new Namespace(options.namespace ?? `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
    const configDir = mkdtempSync(join(tmpdir(), 'bus-config-'));
    const root = resolve(import.meta.dirname, '../../../..');
    cpSync(join(root, 'config', 'apps'), join(configDir, 'apps'), { recursive: true });
    cpSync(join(root, 'config', 'streams.yaml'), join(configDir, 'streams.yaml'));
    if (options.delivery) {
      const streams = parse(readFileSync(join(configDir, 'streams.yaml'), 'utf8')) as { delivery: Record<string, unknown> };
      streams.delivery = { ...streams.delivery, ...options.delivery };
      writeFileSync(join(configDir, 'streams.yaml'), stringify(streams));
    }
    for (const [app, entries] of Object.entries(options.consumers ?? {})) {
      // A test-only stage may publish any pipeline event and ask any owner.
      writeFileSync(join(configDir, 'apps', `${app}.yaml`), stringify({ consumers: entries, publishes: ['pipeline.>'], requests: ['*'] }));
    }
    const nc = await connectNats({ url: natsUrl, app: 'test-bus', user: options.user, password: options.password });
    const jsm = await jetstreamManager(nc);
    // Streams and every declared consumer, as `npm run provision` does: apps only bind theirs.
    await provisionTopology(jsm, loadTopology(join(configDir, 'streams.yaml')), ns);
    const js = jetstream(nc);
    return new TestBus(
      ns,
      nc,
      js,
      jsm,
      configDir,
      natsUrl,
      new EventPublisher(js, ns, 'test'),
      new RequestClient(nc, ns, 5000),
    );
  }

  /** The env an app of this bus runs with (also for child processes). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NATS_URL: this.natsUrl,
      NATS_NAMESPACE: this.ns.name,
      STREAMS_CONFIG: join(this.configDir, 'streams.yaml'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...extra,
    };
  }

  async startApp(module: Type | DynamicModule, app: string, env: Record<string, string> = {}): Promise<RunningApp> {
    const running = await bootstrap(module, { app, env: this.env(env), handleSignals: false });
    this.apps.push(running);
    return running;
  }

  /**
   * The events of one contract in this bus's stream, oldest first, once at least `count` are there
   * (validated against the contract); a clear error after `timeoutMs` otherwise.
   */
  async events<T extends z.ZodType>(contract: Contract<string, T>, count = 1, timeoutMs = 15_000): Promise<Envelope<z.infer<T>>[]> {
    const stream = this.streamOf(contract.subject);
    const deadline = Date.now() + timeoutMs;
    let found: Envelope<z.infer<T>>[] = [];
    while (Date.now() < deadline) {
      const consumer = await this.js.consumers.get(this.ns.stream(stream), { filter_subjects: this.ns.subject(contract.subject) });
      const batch = await consumer.fetch({ max_messages: 10_000, expires: 1000 });
      found = [];
      for await (const msg of batch) {
        const envelope = msg.json<Envelope<unknown>>();
        found.push({ ...envelope, payload: contract.schema.parse(envelope.payload) });
      }
      if (found.length >= count) return found;
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`Expected ${count} ${contract.subject} event(s) within ${timeoutMs} ms, found ${found.length}`);
  }

  /**
   * What one subject holds now, in stream order, without waiting: pipeline events, or dead letters
   * of `dlq.<subject>`. Messages that are not JSON are left out (a test of bad input reads the raw
   * stream itself).
   */
  async read(subject: string): Promise<Envelope[]> {
    const stream = this.ns.stream(this.streamOf(subject));
    const wire = this.ns.subject(subject);
    const info = await this.jsm.streams.info(stream, { subjects_filter: wire });
    const total = info.state.subjects?.[wire] ?? 0;
    if (total === 0) return [];
    // One subject as a string: nats-server 2.9 knows no list of filters.
    const consumer = await this.js.consumers.get(stream, { filter_subjects: wire });
    const events: Envelope[] = [];
    const messages = await consumer.fetch({ max_messages: total, expires: 5000 });
    for await (const msg of messages) {
      const decoded = decodeJson(msg.data);
      if (decoded.ok) events.push(decoded.value as Envelope);
      if (events.length >= total) break;
    }
    return events;
  }

  /** The stream of this topology that holds a subject. */
  private streamOf(subject: string): string {
    const topology = loadTopology(join(this.configDir, 'streams.yaml'));
    const stream = Object.entries(topology.streams).find(([, s]) => s.subjects.some((p) => subjectMatches(p, subject)))?.[0];
    if (!stream) throw new Error(`No stream covers ${subject}`);
    return stream;
  }

  /** Stops the apps, deletes this namespace's streams and the temp config. */
  async close(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.close().catch(() => undefined);
    const topology = loadTopology(join(this.configDir, 'streams.yaml'));
    for (const name of Object.keys(topology.streams)) {
      await this.jsm.streams.delete(this.ns.stream(name)).catch(() => undefined);
    }
    await this.nc.close();
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

/** One app on its own isolated bus: `app.requests.request(...)`, then `app.close()`. */
export async function startTestApp(
  module: Type | DynamicModule,
  options: { app: string; env?: Record<string, string>; bus?: TestBusOptions },
): Promise<TestBus & { running: RunningApp }> {
  const bus = await TestBus.create(options.bus);
  const running = await bus.startApp(module, options.app, options.env);
  return Object.assign(bus, { running });
}
