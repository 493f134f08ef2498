import * as messaging from '#messaging';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DeadLetterQueue } from './dead-letters.service.js';

type DeadLettersClass = new (js: unknown, jsm: unknown, ns: messaging.Namespace, producer: string) => DeadLetterQueue;

/**
 * The DLQ library of #messaging (list, show, replay over the DLQ stream) on the app's connection,
 * or null in a build without it: the console then lists dead letters read-only from the log DB.
 */
export async function createDeadLetterQueue(nc: NatsConnection, namespace: string): Promise<DeadLetterQueue | null> {
  const DeadLetters = (messaging as unknown as Record<string, unknown>).DeadLetters as DeadLettersClass | undefined;
  if (typeof DeadLetters !== 'function') return null;
  return new DeadLetters(jetstream(nc), await jetstreamManager(nc), new messaging.Namespace(namespace), 'console');
}
