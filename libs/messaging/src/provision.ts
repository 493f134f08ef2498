import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig as NatsStreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Namespace } from './namespace.js';
import type { ConsumerConfig, PipelineTopology, StreamConfig } from './streams.config.js';

export interface ProvisionReport {
  streams: { name: string; action: 'created' | 'updated' | 'unchanged' }[];
  consumers: { stream: string; durable: string; action: 'created' | 'updated' | 'unchanged' }[];
}

/** Creates or updates streams and durable consumers; safe to run any number of times. */
export async function provisionTopology(
  jsm: JetStreamManager,
  topology: PipelineTopology,
  ns: Namespace,
  options: { replicas?: number; apps?: string[] } = {},
): Promise<ProvisionReport> {
  const report: ProvisionReport = { streams: [], consumers: [] };
  for (const [name, config] of Object.entries(topology.streams)) {
    const action = await ensureStream(jsm, ns.stream(name), config, ns, options.replicas);
    report.streams.push({ name: ns.stream(name), action });
  }
  const apps = options.apps ?? Object.keys(topology.consumers);
  for (const app of apps) {
    for (const consumer of topology.consumers[app] ?? []) {
      const action = await ensureConsumer(jsm, consumer, ns);
      report.consumers.push({ stream: ns.stream(consumer.stream), durable: consumer.durable, action });
    }
  }
  return report;
}

export async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  config: StreamConfig,
  ns: Namespace,
  replicas?: number,
): Promise<'created' | 'updated' | 'unchanged'> {
  const wanted: Partial<NatsStreamConfig> & { name: string } = {
    name,
    subjects: config.subjects.map((s) => ns.subject(s)),
    storage: config.storage === 'memory' ? StorageType.Memory : StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(config.max_age),
    duplicate_window: nanos(config.duplicate_window),
    num_replicas: replicas ?? config.replicas,
  };
  const existing = await jsm.streams.info(name).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!existing) {
    await jsm.streams.add(wanted);
    return 'created';
  }
  const current = existing.config;
  const same =
    JSON.stringify(current.subjects) === JSON.stringify(wanted.subjects) &&
    current.max_age === wanted.max_age &&
    current.duplicate_window === wanted.duplicate_window &&
    current.num_replicas === wanted.num_replicas;
  if (same) return 'unchanged';
  const { storage: _storage, retention: _retention, ...updatable } = wanted;
  await jsm.streams.update(name, updatable);
  return 'updated';
}

export async function ensureConsumer(
  jsm: JetStreamManager,
  consumer: ConsumerConfig,
  ns: Namespace,
): Promise<'created' | 'updated' | 'unchanged'> {
  const stream = ns.stream(consumer.stream);
  const wanted = {
    durable_name: consumer.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: ns.subject(consumer.filter),
    ack_wait: nanos(consumer.ack_wait),
    // The transport counts attempts and dead-letters itself; the server must keep delivering so
    // that a message which crashes its process still reaches the dead-letter check.
    max_deliver: -1,
    max_ack_pending: consumer.max_ack_pending,
  };
  const existing = await jsm.consumers.info(stream, consumer.durable).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!existing) {
    await jsm.consumers.add(stream, wanted);
    return 'created';
  }
  if (consumerDrift(existing.config, consumer).length === 0) return 'unchanged';
  await jsm.consumers.update(stream, consumer.durable, {
    ack_wait: wanted.ack_wait,
    max_ack_pending: wanted.max_ack_pending,
    filter_subject: wanted.filter_subject,
  });
  return 'updated';
}

/** What differs between a consumer on the server and its declaration (empty when they agree). */
export function consumerDrift(current: { filter_subject?: string; ack_wait?: number; max_ack_pending?: number }, consumer: ConsumerConfig): string[] {
  const drift: string[] = [];
  if (current.filter_subject !== undefined && !current.filter_subject.endsWith(consumer.filter)) drift.push(`filter ${current.filter_subject}`);
  if (current.ack_wait !== nanos(consumer.ack_wait)) drift.push(`ack_wait ${(current.ack_wait ?? 0) / 1e6} ms`);
  if (current.max_ack_pending !== consumer.max_ack_pending) drift.push(`max_ack_pending ${current.max_ack_pending}`);
  return drift;
}

/**
 * An app binds its durable consumers; it never creates or changes them (only the provisioning user
 * may). A missing consumer stops the boot with what to run; a drifted one is a warning.
 */
export async function checkConsumer(jsm: JetStreamManager, consumer: ConsumerConfig, ns: Namespace): Promise<string[]> {
  const stream = ns.stream(consumer.stream);
  const existing = await jsm.consumers.info(stream, consumer.durable).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!existing) {
    throw new Error(
      `Consumer ${stream}/${consumer.durable} (config/apps/${consumer.app}.yaml) does not exist: run "npm run provision" (npm start does; in Kubernetes the provision job).`,
    );
  }
  return consumerDrift(existing.config, consumer);
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}
