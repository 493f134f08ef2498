import { createHash, randomUUID } from 'node:crypto';

/**
 * Deterministic event ids: the same cause and key always give the same id, so a retried handler
 * publishes a message that JetStream's duplicate window swallows.
 */
export function deterministicId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function randomId(): string {
  return randomUUID();
}
