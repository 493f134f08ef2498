import type { NatsConnection } from '@nats-io/transport-node';
import type { DeadLetterQueue } from './dead-letters.service.js';

/** The DLQ library of #messaging on the app's connection and namespace. */
export async function createDeadLetterQueue(_nc: NatsConnection, _namespace: string): Promise<DeadLetterQueue> {
  const missing = async (): Promise<never> => {
    throw new Error('the dead-letter library is not available in this build');
  };
  return { list: missing, show: missing, replay: missing };
}
