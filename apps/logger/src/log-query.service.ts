import type { LoggedDeadLetterV1, LoggedEventV1, LoggerFunnelRequestV1, LoggerFunnelResponseV1 } from '#contracts';
import { In, type DataSource, type Repository } from 'typeorm';
import { DeadLetterLogEntity } from './entities/dead-letter-log.entity.js';
import { EventDailyCountEntity } from './entities/event-daily-count.entity.js';
import { EventLogEntity } from './entities/event-log.entity.js';

const DAY_MS = 86_400_000;
/** Events may arrive a little after their day ended; a day counted before this margin is counted again. */
const LATE_MS = 15 * 60_000;

function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Read side of the log DB for the console. Every count is an index range count: events by
 * (subject, occurred_at), dead letters by failed_at; finished days are counted once and kept.
 */
export class LogQueryService {
  private readonly events: Repository<EventLogEntity>;
  private readonly deadLetters: Repository<DeadLetterLogEntity>;
  private readonly daily: Repository<EventDailyCountEntity>;

  constructor(dataSource: DataSource) {
    this.events = dataSource.getRepository(EventLogEntity);
    this.deadLetters = dataSource.getRepository(DeadLetterLogEntity);
    this.daily = dataSource.getRepository(EventDailyCountEntity);
  }

  async funnel(request: LoggerFunnelRequestV1, now = Date.now()): Promise<LoggerFunnelResponseV1> {
    const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const starts = Array.from({ length: request.days }, (_, i) => todayStart - (request.days - 1 - i) * DAY_MS);
    const pastDays = starts.slice(0, -1).map(dayOf);
    const kept = pastDays.length ? await this.daily.find({ where: { day: In(pastDays), subject: In(request.subjects) } }) : [];
    const counts = new Map<string, Record<string, number>>(starts.map((start) => [dayOf(start), {}]));
    for (const row of kept) {
      const start = Date.parse(`${row.day}T00:00:00Z`);
      if (row.countedAt.getTime() >= start + DAY_MS + LATE_MS) counts.get(row.day)![row.subject] = Number(row.count);
    }
    for (const start of starts) {
      const day = dayOf(start);
      const known = counts.get(day)!;
      if (request.subjects.every((subject) => subject in known)) continue;
      const fresh = await this.countEvents(request.subjects, start, start + DAY_MS);
      Object.assign(known, fresh);
      if (start < todayStart) {
        const rows = request.subjects.map((subject) => ({ day, subject, count: fresh[subject]!, countedAt: new Date(now) }));
        await this.daily.upsert(rows, ['day', 'subject']);
      }
    }
    const letters = await this.deadLettersPerDay(starts[0]!, todayStart + DAY_MS);
    return {
      days: starts.map((start) => ({ day: dayOf(start), counts: counts.get(dayOf(start))!, deadLetters: letters.get(dayOf(start)) ?? 0 })),
      deadLettersTotal: await this.deadLetters.count(),
    };
  }

  async deadLetterList(filter: { subject?: string; reason?: string; limit: number; beforeId?: number }): Promise<LoggedDeadLetterV1[]> {
    const q = this.deadLetters.createQueryBuilder('d').orderBy('d.id', 'DESC').take(filter.limit);
    if (filter.subject?.endsWith('>')) q.andWhere('d.originalSubject LIKE :prefix', { prefix: `${filter.subject.slice(0, -1)}%` });
    else if (filter.subject) q.andWhere('d.originalSubject = :subject', { subject: filter.subject });
    if (filter.reason) q.andWhere('d.reason = :reason', { reason: filter.reason });
    if (filter.beforeId) q.andWhere('d.id < :before', { before: filter.beforeId });
    return (await q.getMany()).map(toDeadLetter);
  }

  async deadLetter(id: number): Promise<LoggedDeadLetterV1 | null> {
    const row = await this.deadLetters.findOne({ where: { id: String(id) } });
    return row ? toDeadLetter(row) : null;
  }

  async recent(subject: string, limit: number): Promise<LoggedEventV1[]> {
    const rows = await this.events.find({ where: { subject }, order: { occurredAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map((row) => ({
      id: row.eventId,
      subject: row.subject,
      producer: row.producer,
      correlationId: row.correlationId,
      occurredAt: row.occurredAt.toISOString(),
      payload: parsePayload(row.payload),
    }));
  }

  /** Events per subject in [from, to): one index range count per subject, in one statement. */
  private async countEvents(subjects: string[], from: number, to: number): Promise<Record<string, number>> {
    const rows = await this.events
      .createQueryBuilder('e')
      .select('e.subject', 'subject')
      .addSelect('COUNT(*)', 'n')
      .where('e.subject IN (:...subjects)', { subjects })
      .andWhere('e.occurredAt >= :from AND e.occurredAt < :to', { from: sqlTime(from), to: sqlTime(to) })
      .groupBy('e.subject')
      .getRawMany<{ subject: string; n: number | string }>();
    const out: Record<string, number> = Object.fromEntries(subjects.map((s) => [s, 0]));
    for (const row of rows) out[row.subject] = Number(row.n);
    return out;
  }

  /** Dead letters per UTC day over the index on failed_at, in one statement. */
  private async deadLettersPerDay(from: number, to: number): Promise<Map<string, number>> {
    const mysql = this.deadLetters.manager.connection.options.type === 'mysql';
    const day = mysql ? "DATE_FORMAT(d.failed_at, '%Y-%m-%d')" : 'substr(d.failed_at, 1, 10)';
    const rows = await this.deadLetters
      .createQueryBuilder('d')
      .select(day, 'day')
      .addSelect('COUNT(*)', 'n')
      .where('d.failedAt >= :from AND d.failedAt < :to', { from: sqlTime(from), to: sqlTime(to) })
      .groupBy(day)
      .getRawMany<{ day: string; n: number | string }>();
    return new Map(rows.map((row) => [String(row.day), Number(row.n)]));
  }
}

/** How both dialects store a UTC datetime(3) here; compared as text on SQLite, as a value on MySQL. */
function sqlTime(time: number): string {
  return new Date(time).toISOString().replace('T', ' ').replace('Z', '');
}

function toDeadLetter(row: DeadLetterLogEntity): LoggedDeadLetterV1 {
  return {
    id: Number(row.id),
    eventId: row.eventId,
    originalSubject: row.originalSubject,
    originalEventId: row.originalEventId,
    correlationId: row.correlationId,
    consumer: row.consumer,
    handler: row.handler,
    reason: row.reason,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failedAt.toISOString(),
    raw: row.raw,
  };
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
