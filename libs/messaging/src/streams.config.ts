import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, loadYaml } from '#config';
import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const Duration = z
  .string()
  .regex(DURATION, 'a duration such as 500ms, 30s, 2m, 1h, 30d')
  .transform((text) => {
    const [, amount, unit] = DURATION.exec(text)!;
    return Number(amount) * UNIT_MS[unit!]!;
  });

const StreamSchema = z.object({
  subjects: z.array(z.string().min(1)).min(1),
  storage: z.enum(['file', 'memory']).default('file'),
  max_age: Duration,
  duplicate_window: Duration.default(120_000),
  replicas: z.number().int().min(1).max(5).default(1),
});

const DeliverySchema = z.object({
  ack_wait: Duration,
  max_deliver: z.number().int().min(1).max(100),
  backoff: z.array(Duration).min(1),
  max_ack_pending: z.number().int().positive(),
  concurrency: z.number().int().positive().max(1024),
  /** A handler running longer is given up: its message is retried or dead-lettered. */
  max_handler_time: Duration.default(600_000),
  /** Messages asked for ahead of free handler slots (default: concurrency). */
  prefetch: z.number().int().positive().max(1024).optional(),
  /** While a dependency is down, the longest wait between two probes of it. */
  max_probe_interval: Duration.default(15_000),
});

const StreamsFileSchema = z.object({
  streams: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), StreamSchema),
  delivery: DeliverySchema,
});

const ConsumerSchema = z.object({
  durable: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -'),
  stream: z.string(),
  filter: z.string().min(1),
  ack_wait: Duration.optional(),
  max_deliver: z.number().int().min(1).max(100).optional(),
  backoff: z.array(Duration).min(1).optional(),
  max_ack_pending: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().max(1024).optional(),
  max_handler_time: Duration.optional(),
  prefetch: z.number().int().positive().max(1024).optional(),
  max_probe_interval: Duration.optional(),
});

const NAME = /^[a-z][a-z0-9-]*$/;
const EVENT_PATTERN = /^pipeline(\.([a-z][a-zA-Z0-9]*|\*))*(\.>)?$/;
// An owner (all of its request subjects) or one request subject of it (`catalog.article.get.v1`).
const OWNER = /^([a-z][a-z0-9-]*(\.[a-zA-Z][a-zA-Z0-9]*)*|\*)$/;

/** NATS subject matching: `*` is one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return have.length > i;
    if (i >= have.length || (want[i] !== '*' && want[i] !== have[i])) return false;
  }
  return want.length === have.length;
}

/** `config/apps/<app>.yaml`: everything the app does on the bus. */
const AppFileSchema = z
  .object({
    /**
     * A command-line tool (`npm run report`), not a deployed app: it gets a NATS user like an app,
     * but runs no consumer and answers nothing, and has no apps/<name> or deployment.
     */
    tool: z.boolean().default(false),
    consumers: z.array(ConsumerSchema).default([]),
    // A test-only stage may declare a wildcard (`pipeline.>`); the layout test holds real apps to
    // registered event subjects.
    publishes: z.array(z.string().regex(EVENT_PATTERN, 'an event subject pipeline.<entity>.<pastTenseVerb>.v<major>')).default([]),
    requests: z.array(z.string().regex(OWNER, 'an owner app name such as catalog, or one of its request subjects')).default([]),
    serves: z.array(z.string().regex(NAME, 'the owner prefix the app answers, such as catalog')).default([]),
    /** Raw NATS permissions beyond what the lists above give (an operations tool that replays dead letters). */
    permissions: z
      .object({ publish: z.array(z.string().min(1)).default([]), subscribe: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({ publish: [], subscribe: [] }),
  })
  .strict();

/** What an app declares: its consumers, the events it publishes, the owners it asks, what it answers. */
export interface AppDeclaration {
  app: string;
  file: string;
  /** A command-line tool with a user of its own (no consumers, serves nothing, not deployed). */
  tool?: boolean;
  consumers: ConsumerConfig[];
  publishes: string[];
  requests: string[];
  serves: string[];
  permissions: { publish: string[]; subscribe: string[] };
}

export type StreamConfig = z.infer<typeof StreamSchema>;
export type DeliveryConfig = z.infer<typeof DeliverySchema>;

/** A durable consumer with the delivery defaults filled in. */
export interface ConsumerConfig extends DeliveryConfig {
  app: string;
  durable: string;
  stream: string;
  filter: string;
}

export interface PipelineTopology {
  streams: Record<string, StreamConfig>;
  delivery: DeliveryConfig;
  /** app name -> its consumers */
  consumers: Record<string, ConsumerConfig[]>;
  /** app name -> its declaration */
  apps: Record<string, AppDeclaration>;
}

/** Reads `config/streams.yaml` and every `config/apps/<app>.yaml` beside it. */
export function loadTopology(streamsFile: string): PipelineTopology {
  const file = loadYaml(streamsFile, StreamsFileSchema);
  const configDir = dirname(streamsFile);
  if (existsSync(join(configDir, 'consumers'))) {
    throw new ConfigError(
      `${join(configDir, 'consumers')}: consumer files moved to ${join(configDir, 'apps')}/<app>.yaml (under "consumers:", ` +
        'beside "publishes:", "requests:" and "serves:"); move them and delete the folder',
    );
  }
  const appsDir = join(configDir, 'apps');
  const consumers: Record<string, ConsumerConfig[]> = {};
  const apps: Record<string, AppDeclaration> = {};
  const durables = new Set<string>();
  const files = existsSync(appsDir) ? readdirSync(appsDir).filter((f) => f.endsWith('.yaml')).sort() : [];
  for (const name of files) {
    const path = join(appsDir, name);
    const app = basename(name, '.yaml');
    const declared = loadYaml(path, AppFileSchema);
    if (declared.tool && (declared.consumers.length > 0 || declared.serves.length > 0)) {
      throw new ConfigError(`${path}: a tool (tool: true) runs no consumer and serves nothing; it only publishes and requests`);
    }
    consumers[app] = declared.consumers.map((entry) => {
      if (!file.streams[entry.stream]) throw new ConfigError(`${path}: stream "${entry.stream}" is not in ${streamsFile}`);
      if (durables.has(`${entry.stream}/${entry.durable}`)) {
        throw new ConfigError(`${path}: durable "${entry.durable}" on ${entry.stream} is declared twice`);
      }
      durables.add(`${entry.stream}/${entry.durable}`);
      return { ...file.delivery, ...stripUndefined(entry), durable: entry.durable, stream: entry.stream, filter: entry.filter, app };
    });
    apps[app] = { app, file: path, tool: declared.tool, consumers: consumers[app], publishes: declared.publishes, requests: declared.requests, serves: declared.serves, permissions: declared.permissions };
  }
  return { streams: file.streams, delivery: file.delivery, consumers, apps };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
