import type { LoggedEventV1, LoggerFunnelRequestV1, LoggerFunnelResponseV1 } from '#contracts';
import { And, LessThan, MoreThanOrEqual, In, type DataSource, type Repository } from 'typeorm';
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
    const kept = pastDays.length
      ? await this.daily.find({ where: { day: In(pastDays), subject: In(request.subjects) } })
      : [];
    const keptBy = new Map(kept.map((row) => [`${row.day} ${row.subject}`, row]));
    const days: LoggerFunnelResponseV1['days'] = [];
    for (const start of starts) {
      const day = dayOf(start);
      const finished = start < todayStart;
      const counts: Record<string, number> = {};
      for (const subject of request.subjects) {
        const row = keptBy.get(`${day} ${subject}`);
        if (finished && row && row.countedAt.getTime() >= start + DAY_MS + LATE_MS) {
          counts[subject] = Number(row.count);
          continue;
        }
        counts[subject] = await this.countEvents(subject, start, start + DAY_MS);
        if (finished) {
          await this.daily.upsert({ day, subject, count: counts[subject], countedAt: new Date(now) }, ['day', 'subject']);
        }
      }
      const deadLetters = await this.deadLetters.count({ where: { failedAt: And(MoreThanOrEqual(new Date(start)), LessThan(new Date(start + DAY_MS))) } });
      days.push({ day, counts, deadLetters });
    }
    return { days, deadLettersTotal: await this.deadLetters.count() };
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

  private countEvents(subject: string, from: number, to: number): Promise<number> {
    return this.events.count({ where: { subject, occurredAt: And(MoreThanOrEqual(new Date(from)), LessThan(new Date(to))) } });
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
