import type { DeadLetterV1, Envelope } from '#contracts';
import { isDatabaseUnavailable } from '#database';
import { UnavailableError } from '#messaging';
import type { DataSource, Repository } from 'typeorm';
import { DeadLetterLogEntity } from './entities/dead-letter-log.entity.js';
import { EventLogEntity } from './entities/event-log.entity.js';

/** The log database; inserts are idempotent on the event id, so redeliveries store nothing twice. */
export class LogRepository {
  private readonly events: Repository<EventLogEntity>;
  private readonly deadLetters: Repository<DeadLetterLogEntity>;

  constructor(readonly dataSource: DataSource) {
    this.events = dataSource.getRepository(EventLogEntity);
    this.deadLetters = dataSource.getRepository(DeadLetterLogEntity);
  }

  /**
   * A log database that is down is an outage, not a bad event: the transport holds the message
   * (no attempt counted) and probes with `SELECT 1` until the database answers. Nothing is dropped.
   */
  private async store(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      throw new UnavailableError('log-db', `log database unavailable: ${(error as Error).message}`, {
        cause: error,
        probe: () => this.dataSource.query('SELECT 1'),
      });
    }
  }

  async recordEvent(envelope: Envelope, streamSeq: number): Promise<void> {
    await this.store(() => this.events
      .createQueryBuilder()
      .insert()
      .values({
        eventId: envelope.id,
        subject: envelope.subject,
        producer: envelope.producer,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        occurredAt: new Date(envelope.occurredAt),
        receivedAt: new Date(),
        streamSeq,
        payload: JSON.stringify(envelope.payload),
      })
      .orIgnore()
      .execute());
  }

  async recordDeadLetter(envelope: Envelope<DeadLetterV1>): Promise<void> {
    const letter = envelope.payload;
    await this.store(() => this.deadLetters
      .createQueryBuilder()
      .insert()
      .values({
        eventId: envelope.id,
        originalSubject: letter.originalSubject,
        originalEventId: letter.eventId,
        correlationId: letter.correlationId,
        consumer: letter.consumer,
        handler: letter.handler,
        reason: letter.reason,
        error: letter.error,
        attempts: letter.attempts,
        failedAt: new Date(letter.failedAt),
        raw: letter.raw,
      })
      .orIgnore()
      .execute());
  }

  /** All events of one chain, in the order they happened: one indexed query. */
  trace(correlationId: string): Promise<EventLogEntity[]> {
    return this.events.find({ where: { correlationId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }

  countEvents(where: Partial<Pick<EventLogEntity, 'subject' | 'correlationId'>> = {}): Promise<number> {
    return this.events.count({ where });
  }

  listDeadLetters(): Promise<DeadLetterLogEntity[]> {
    return this.deadLetters.find({ order: { failedAt: 'ASC' } });
  }
}
