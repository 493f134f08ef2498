import { DeadLetters, Namespace } from '#messaging';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DeadLetterQueue } from './dead-letters.service.js';

/** The DLQ library of #messaging (`DeadLetters`, the same code as `npm run dlq`) on the app's connection and namespace. */
export async function createDeadLetterQueue(nc: NatsConnection, namespace: string): Promise<DeadLetterQueue> {
  return new DeadLetters(jetstream(nc), await jetstreamManager(nc), new Namespace(namespace), 'console') as unknown as DeadLetterQueue;
}
