import { LoggerEventKeysV1, type LoggerEventKeysRequestV1, type LoggerEventKeysResponseV1 } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LogRepository } from './log.repository.js';

/** A bound datetime both drivers compare with a DATETIME(3) column (UTC text for SQLite). */
function sqlTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The distinct ids one payload field takes among the events of one subject in a window, as
 * ranges (`logger.events.keys.v1`): what the lineage report compares its publications, videos,
 * stories and trends with. One statement over the (subject, occurred_at) index; the field is read
 * in SQL (JSON_VALUE / json_extract), so no payload travels to the service.
 */
export async function eventKeys(dataSource: DataSource, request: LoggerEventKeysRequestV1): Promise<LoggerEventKeysResponseV1> {
  const sqlite = dataSource.options.type === 'better-sqlite3';
  const value = sqlite ? 'CAST(json_extract(payload, ?) AS INTEGER)' : 'CAST(JSON_VALUE(payload, ?) AS SIGNED)';
  const window = [request.subject, sqlTime(request.from), sqlTime(request.to)];
  const where = 'subject = ? AND occurred_at >= ? AND occurred_at < ?';
  const [{ n }] = (await dataSource.query(`SELECT COUNT(*) AS n FROM event_log WHERE ${where}`, window)) as { n: number | string }[];
  const rows = (await dataSource.query(
    `SELECT DISTINCT ${value} AS k FROM event_log WHERE ${where} AND ${value} IS NOT NULL ORDER BY k`,
    [`$.${request.key}`, ...window, `$.${request.key}`],
  )) as { k: number | string }[];
  const ranges: [number, number][] = [];
  let truncated = false;
  for (const { k } of rows) {
    const id = Number(k);
    const last = ranges.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else if (ranges.length < request.maxRanges) ranges.push([id, id]);
    else {
      truncated = true;
      break;
    }
  }
  return { events: Number(n), distinct: rows.length, ranges, truncated };
}

/** `logger.events.keys.v1` (see eventKeys). */
@Controller()
export class EventKeysHandler {
  constructor(private readonly log: LogRepository) {}

  @OnRequest(LoggerEventKeysV1)
  keys(request: LoggerEventKeysRequestV1): Promise<LoggerEventKeysResponseV1> {
    return eventKeys(this.log.dataSource, request);
  }
}
