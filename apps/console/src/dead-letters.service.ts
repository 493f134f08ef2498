import { DeadLetterV1, EnvelopeSchema, LoggerDeadLetterGetV1, LoggerDeadLetterListV1, type LoggedDeadLetterV1 } from '#contracts';
import type { RequestClient } from '#messaging';
import type { DeadLetterRow } from './pages.js';

/** What the console needs of the dead-letter queue (the messaging library's `DeadLetters`). */
export interface DeadLetterQueue {
  list(filter: { subject?: string; reason?: DeadLetterV1['reason']; limit?: number }): Promise<{ seq: number; envelope: { payload: DeadLetterV1 } }[]>;
  show(seq: number): Promise<{ seq: number; envelope: { payload: DeadLetterV1 }; original: unknown }>;
  replay(entries: { seq: number; envelope: never }[], replayedBy: string): Promise<{ seq: number; replayEventId: string | null; problem: string | null }[]>;
}

export const REASONS = DeadLetterV1.shape.reason.options;

type LetterFields = Pick<DeadLetterV1, 'failedAt' | 'originalSubject' | 'handler' | 'attempts' | 'error' | 'correlationId'> & { reason: string };

export function toRow(seq: number, letter: LetterFields): DeadLetterRow {
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

/**
 * List, show and replay through the DLQ library (numbers are DLQ stream sequences). Without it,
 * read-only from the log DB through the logger (numbers are log row ids) and no replay.
 */
export class DeadLetterService {
  constructor(
    private readonly queue: DeadLetterQueue | null,
    private readonly requests: RequestClient,
  ) {}

  get canReplay(): boolean {
    return this.queue !== null;
  }

  async list(filter: { subject?: string; reason?: string }): Promise<DeadLetterRow[]> {
    const reason = REASONS.find((r) => r === filter.reason);
    const subject = filter.subject || undefined;
    if (this.queue) {
      const entries = await this.queue.list({ subject, reason, limit: 200 });
      return entries.map((e) => toRow(e.seq, e.envelope.payload));
    }
    const { deadLetters } = await this.requests.request(LoggerDeadLetterListV1, { subject, reason, limit: 200 });
    return deadLetters.map((d) => toRow(d.id, d));
  }

  async show(seq: number): Promise<{ letter: unknown; original: unknown; row: DeadLetterRow }> {
    if (this.queue) {
      const shown = await this.queue.show(seq);
      return { letter: shown.envelope, original: shown.original, row: toRow(seq, shown.envelope.payload) };
    }
    const { deadLetter } = await this.requests.request(LoggerDeadLetterGetV1, { id: seq });
    if (!deadLetter) throw new Error('not in the log DB');
    return { letter: deadLetter, original: originalOf(deadLetter), row: toRow(seq, deadLetter) };
  }

  async replay(seqs: number[], by: string): Promise<{ replayed: number; problems: string[] }> {
    if (!this.queue) return { replayed: 0, problems: ['replay needs the DLQ library, which is not in this build'] };
    const entries = [];
    for (const seq of seqs) entries.push(await this.queue.show(seq));
    const results = await this.queue.replay(entries as never, by);
    const problems = results.filter((r) => r.problem).map((r) => `#${r.seq}: ${r.problem}`);
    return { replayed: results.length - problems.length, problems };
  }
}

function originalOf(letter: LoggedDeadLetterV1): unknown {
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(letter.raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
