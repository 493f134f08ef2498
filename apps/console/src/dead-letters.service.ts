import type { DeadLetterV1 } from '#contracts';
import type { DeadLetterRow } from './pages.js';

/** What the console needs of the dead-letter queue (the messaging library's `DeadLetters`). */
export interface DeadLetterQueue {
  list(filter: { subject?: string; reason?: DeadLetterV1['reason']; limit?: number }): Promise<{ seq: number; envelope: { payload: DeadLetterV1 } }[]>;
  show(seq: number): Promise<{ seq: number; envelope: { payload: DeadLetterV1 }; original: unknown }>;
  replay(entries: { seq: number; envelope: never }[], replayedBy: string): Promise<{ seq: number; replayEventId: string | null; problem: string | null }[]>;
}

export const REASONS = ['poison', 'max-deliveries', 'invalid-envelope', 'invalid-payload'] as const;

export function toRow(seq: number, letter: DeadLetterV1): DeadLetterRow {
  return {
    seq,
    failedAt: letter.failedAt,
    originalSubject: letter.originalSubject,
    reason: letter.reason,
    handler: letter.handler,
    attempts: letter.attempts,
    error: letter.error,
    correlationId: letter.correlationId,
  };
}

/** List, show and replay through the DLQ library; the page limits a list to the first 200 matches. */
export class DeadLetterService {
  constructor(private readonly queue: DeadLetterQueue) {}

  async list(filter: { subject?: string; reason?: string }): Promise<DeadLetterRow[]> {
    const reason = REASONS.find((r) => r === filter.reason);
    const entries = await this.queue.list({ subject: filter.subject || undefined, reason, limit: 200 });
    return entries.map((e) => toRow(e.seq, e.envelope.payload));
  }

  show(seq: number) {
    return this.queue.show(seq);
  }

  async replay(seqs: number[], by: string): Promise<{ replayed: number; problems: string[] }> {
    const entries = [];
    for (const seq of seqs) entries.push(await this.queue.show(seq));
    const results = await this.queue.replay(entries as never, by);
    const problems = results.filter((r) => r.problem).map((r) => `#${r.seq}: ${r.problem}`);
    return { replayed: results.length - problems.length, problems };
  }
}
