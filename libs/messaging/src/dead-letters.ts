import { DeadLetterReplayedV1, DeadLetterV1, EnvelopeSchema, type Envelope } from '#contracts';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { EventPublisher } from './event-publisher.js';
import { randomId } from './message-id.js';
import type { Namespace } from './namespace.js';
import { decodeJson } from './wire.js';

export interface DeadLetterFilter {
  /** The original subject (`pipeline.article.stored.v1`); a trailing `>` matches a prefix. */
  subject?: string;
  reason?: DeadLetterV1['reason'];
  /** Dead letters that failed at or after this time. */
  since?: Date;
  /** At most this many, oldest first (default 1000). */
  limit?: number;
}

export interface DeadLetterEntry {
  /** Sequence in the DLQ stream: what `show` and `replay --seq` take. */
  seq: number;
  envelope: Envelope<DeadLetterV1>;
}

export interface ReplayResult {
  seq: number;
  originalSubject: string;
  /** The new event's id, or null when the original could not be recovered. */
  replayEventId: string | null;
  problem: string | null;
}

/**
 * The dead-letter queue as an operator sees it: list and show what failed, and replay it. The
 * DLQ stream (90 days) is the source of truth for what is dead; replays are recorded as
 * `pipeline.deadletter.replayed.v1` events, which the logger stores in the log DB with every
 * other event. `npm run dlq` is a thin CLI over this class; the console calls it the same way.
 */
export class DeadLetters {
  private readonly publisher: EventPublisher;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly ns: Namespace,
    producer = 'dlq-tool',
  ) {
    this.publisher = new EventPublisher(js, ns, producer);
  }

  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const limit = filter.limit ?? 1000;
    const stream = this.ns.stream('DLQ');
    const info = await this.jsm.streams.info(stream);
    if (info.state.messages === 0) return [];
    const prefix = filter.subject?.endsWith('>') ? filter.subject.slice(0, -1) : null;
    const entries: DeadLetterEntry[] = [];
    // One stored message at a time (works on nats-server 2.9, which lacks multi-filter consumers);
    // a DLQ is small by design.
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await this.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!msg) continue;
      const decoded = decodeJson(msg.data);
      const parsed = decoded.ok ? EnvelopeSchema.safeParse(decoded.value) : null;
      const letter = parsed?.success ? DeadLetterV1.safeParse(parsed.data.payload) : null;
      if (!parsed?.success || !letter?.success) continue;
      const l = letter.data;
      if (filter.subject && (prefix !== null ? !l.originalSubject.startsWith(prefix) : l.originalSubject !== filter.subject)) continue;
      if (filter.reason && l.reason !== filter.reason) continue;
      if (filter.since && Date.parse(l.failedAt) < filter.since.getTime()) continue;
      entries.push({ seq, envelope: { ...parsed.data, payload: l } as Envelope<DeadLetterV1> });
      if (entries.length >= limit) break;
    }
    return entries;
  }

  async show(seq: number): Promise<{ seq: number; envelope: Envelope<DeadLetterV1>; original: Envelope | null }> {
    const msg = await this.jsm.streams.getMessage(this.ns.stream('DLQ'), { seq });
    if (!msg) throw new Error(`No dead letter #${seq} in ${this.ns.stream('DLQ')}`);
    const envelope = msg.json<Envelope<DeadLetterV1>>();
    const letter = DeadLetterV1.parse(envelope.payload);
    return { seq, envelope: { ...envelope, payload: letter }, original: await this.original(letter) };
  }

  /**
   * Publishes each letter's original event again on its subject, under a new id (so the stream's
   * duplicate window does not swallow it), with the original payload, correlation and causation.
   * Each replay is recorded as a `pipeline.deadletter.replayed.v1` event.
   */
  async replay(entries: DeadLetterEntry[], replayedBy: string): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const { seq, envelope } of entries) {
      const letter = envelope.payload;
      const original = await this.original(letter);
      if (!original) {
        results.push({ seq, originalSubject: letter.originalSubject, replayEventId: null, problem: 'the original event is neither in the stream nor complete in the dead letter' });
        continue;
      }
      const replayed: Envelope = { ...original, id: randomId() };
      await this.publisher.publishEnvelope(replayed);
      await this.publisher.publish(
        DeadLetterReplayedV1,
        {
          deadLetterId: envelope.id,
          deadLetterSeq: seq,
          originalSubject: letter.originalSubject,
          originalEventId: letter.eventId,
          replayEventId: replayed.id,
          reason: letter.reason,
          replayedBy: replayedBy.slice(0, 200),
          replayedAt: new Date().toISOString(),
        },
        { causedBy: { id: replayed.id, correlationId: replayed.correlationId }, key: 'replayed' },
      );
      results.push({ seq, originalSubject: letter.originalSubject, replayEventId: replayed.id, problem: null });
    }
    return results;
  }

  /** The original event: from the pipeline stream when it is still there, else from the letter's raw copy. */
  private async original(letter: DeadLetterV1): Promise<Envelope | null> {
    const stored = await this.jsm.streams.getMessage(this.ns.stream('PIPELINE'), { seq: letter.streamSequence }).catch(() => null);
    if (stored && this.ns.logical(stored.subject) === letter.originalSubject) {
      const parsed = EnvelopeSchema.safeParse(decodeJson(stored.data).ok ? stored.json() : null);
      if (parsed.success && (letter.eventId === null || parsed.data.id === letter.eventId)) return parsed.data as Envelope;
    }
    const decoded = decodeJson(new TextEncoder().encode(letter.raw));
    const parsed = decoded.ok ? EnvelopeSchema.safeParse(decoded.value) : null;
    return parsed?.success && parsed.data.subject === letter.originalSubject ? (parsed.data as Envelope) : null;
  }
}
