import 'reflect-metadata';
import { CommonEnv, loadEnv, redactUrl } from '#config';
import { loadEventContracts } from '#contracts';
import { createLogger, WinstonNestLogger } from '#logging';
import { connectNats, JetStreamServer, loadTopology, MessagingModule, Namespace, RethrowFilter } from '#messaging';
import { discoverDataSources, HealthChecks, MetricsRegistry, OpsModule, OpsServer, registerTableRowGauges } from '#ops';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Module, type DynamicModule, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type winston from 'winston';

export interface BootOptions {
  app: string;
  /** Overrides of the process environment (tests run several apps in one process). */
  env?: Record<string, string>;
  /** Installs SIGINT/SIGTERM handlers that close the app; off in tests. */
  handleSignals?: boolean;
}

export interface RunningApp {
  app: INestMicroservice;
  nc: NatsConnection;
  ns: Namespace;
  logger: winston.Logger;
  metrics: MetricsRegistry;
  health: HealthChecks;
  /** `http://host:port` of /healthz /readyz /metrics; null when OPS_PORT is unset. */
  opsUrl: string | null;
  close(): Promise<void>;
}

/** Boots one app: env check, logger, NATS connection, the Nest microservice on our transport. */
export async function bootstrap(appModule: Type | DynamicModule, options: BootOptions): Promise<RunningApp> {
  const env = { ...process.env, ...options.env };
  const config = loadEnv(CommonEnv, env);
  const logger = createLogger({ app: options.app, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const topology = loadTopology(config.STREAMS_CONFIG);
  // Every event contract, so a consumer of many subjects (the logger) validates each one.
  await loadEventContracts();
  const ns = new Namespace(config.NATS_NAMESPACE);
  const nc = await connectNats({ url: config.NATS_URL, app: options.app, user: config.NATS_USER, password: config.NATS_PASSWORD, logger });
  await ensureStreamsExist(nc, topology, ns, options.app);
  const metrics = new MetricsRegistry(options.app);
  const health = new HealthChecks();

  @Module({
    imports: [
      MessagingModule.forApp({
        app: options.app,
        nc,
        ns,
        env,
        requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
        logger,
        declaration: topology.apps[options.app],
        observer: metrics,
      }),
      OpsModule.forApp(metrics, health),
      appModule,
    ],
  })
  class BootModule {}

  let app: INestMicroservice | undefined;
  const server = new JetStreamServer({ app: options.app, nc, ns, topology, logger, observer: metrics });
  let ops: OpsServer | null = null;
  let opsUrl: string | null = null;
  try {
    app = await NestFactory.createMicroservice(BootModule, {
      strategy: server,
      logger: new WinstonNestLogger(logger),
      abortOnError: false,
    });
    app.useGlobalFilters(new RethrowFilter());
    await app.listen();
    addReadinessChecks(health, metrics, nc, server, app);
    if (config.OPS_PORT !== undefined) {
      ops = new OpsServer(metrics, health, { host: config.OPS_HOST, port: config.OPS_PORT }, logger);
      opsUrl = await ops.listen();
    }
  } catch (error) {
    await app?.close().catch(() => undefined);
    await nc.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await ops?.close();
      await app.close();
      await nc.drain().catch(() => undefined);
      logger.info('stopped');
    })();
    return closing;
  };
  if (options.handleSignals !== false) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        logger.info(`${signal}: finishing in-flight messages`);
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }
  logger.info(
    `started (nats ${redactUrl(config.NATS_URL)}${ns.name ? `, namespace ${ns.name}` : ''}` +
      `${opsUrl ? `; ops ${opsUrl}/healthz /readyz /metrics` : ''})`,
  );
  return { app, nc, ns, logger, metrics, health, opsUrl, close };
}

/** What /readyz asks: NATS answers, every consumer's pull loop runs, every owned database answers. */
function addReadinessChecks(health: HealthChecks, metrics: MetricsRegistry, nc: NatsConnection, server: JetStreamServer, app: INestMicroservice): void {
  health.add({
    name: 'nats',
    check: async () => {
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
    },
  });
  health.add({
    name: 'consumers',
    check: async () => {
      const stopped = server.consumerStatus().filter((c) => !c.running);
      if (stopped.length > 0) throw new Error(`not consuming: ${stopped.map((c) => c.durable).join(', ')}`);
    },
  });
  const dataSources = discoverDataSources(app);
  registerTableRowGauges(metrics, dataSources);
  for (const dataSource of dataSources) {
    health.add({
      name: `database ${dataSource.options.type}`,
      check: async () => {
        await dataSource.query('SELECT 1');
      },
    });
  }
}

/** A clear boot error instead of a consumer that silently waits for a stream nobody made. */
async function ensureStreamsExist(
  nc: NatsConnection,
  topology: ReturnType<typeof loadTopology>,
  ns: Namespace,
  app: string,
): Promise<void> {
  const consumers = topology.consumers[app] ?? [];
  if (consumers.length === 0) return;
  const jsm = await jetstreamManager(nc);
  for (const stream of new Set(consumers.map((c) => c.stream))) {
    await jsm.streams.info(ns.stream(stream)).catch(async (error: unknown) => {
      await nc.close();
      throw new Error(`Stream ${ns.stream(stream)} does not exist: run "npm run provision" (npm start does). (${(error as Error).message})`);
    });
  }
}

/** The whole `main.ts` of an app. */
export async function runApp(appModule: Type | DynamicModule, app: string): Promise<void> {
  try {
    await bootstrap(appModule, { app });
  } catch (error) {
    process.stderr.write(`${app}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
