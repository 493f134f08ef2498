import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '#contracts';
import { dropDatabase, openDatabase } from '#database';
import type { DataSource } from 'typeorm';
import { LogQueryService } from '../src/log-query.service.js';
import { LogRepository } from '../src/log.repository.js';
import { LOG_ENTITIES, LOG_MIGRATIONS } from '../src/logger.module.js';

const dir = mkdtempSync(join(tmpdir(), 'log-query-'));
const dbName = `log_query_${process.pid}_${Date.now().toString(36)}`;
const backends = [
  { name: 'SQLite', url: `sqlite:${join(dir, 'logs.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
  { name: 'MariaDB', url: `mysql://root@127.0.0.1:3306/${dbName}`, cleanup: () => dropDatabase(`mysql://root@127.0.0.1:3306/${dbName}`) },
];

const A = 'pipeline.article.stored.v1';
const T = 'pipeline.trend.detected.v1';
const NOW = Date.parse('2026-03-10T12:00:00Z');

function envelope(id: string, subject: string, at: string): Envelope {
  return { id, subject, occurredAt: at, correlationId: `c-${id}`, causationId: null, producer: 'test', payload: {} };
}

for (const backend of backends) {
  describe(`log queries on ${backend.name}`, () => {
    let ds: DataSource;
    let log: LogRepository;
    let query: LogQueryService;

    before(async () => {
      ds = await openDatabase({ url: backend.url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
      log = new LogRepository(ds);
      query = new LogQueryService(ds);
      let seq = 0;
      for (const [id, subject, at] of [
        ['a1', A, '2026-03-08T23:59:59.999Z'],
        ['a2', A, '2026-03-09T00:00:00.000Z'],
        ['a3', A, '2026-03-09T10:00:00.000Z'],
        ['a4', A, '2026-03-10T11:00:00.000Z'],
        ['t1', T, '2026-03-10T11:30:00.000Z'],
      ] as const) {
        await log.recordEvent(envelope(id, subject, at), ++seq);
      }
      await log.recordDeadLetter({
        ...envelope('d1', 'dlq.pipeline.article.stored.v1', '2026-03-09T05:00:00Z'),
        payload: { originalSubject: A, streamSequence: 1, eventId: 'a1', correlationId: 'c', consumer: 'x', handler: 'X.h', reason: 'poison', error: 'e', attempts: 1, failedAt: '2026-03-09T05:00:00.000Z', raw: '{}' },
      } as never);
    });

    after(async () => {
      await ds.destroy();
      await backend.cleanup();
    });

    it('counts events per subject and UTC day, and dead letters per day', async () => {
      const funnel = await query.funnel({ subjects: [A, T], days: 3 }, NOW);
      assert.deepEqual(
        funnel.days.map((d) => [d.day, d.counts[A], d.counts[T], d.deadLetters]),
        [
          ['2026-03-08', 1, 0, 0],
          ['2026-03-09', 2, 0, 1],
          ['2026-03-10', 1, 1, 0],
        ],
      );
      assert.equal(funnel.deadLettersTotal, 1);
    });

    it('lists dead letters by subject prefix and reason, and shows one', async () => {
      assert.equal((await query.deadLetterList({ subject: 'pipeline.article.>', limit: 10 })).length, 1);
      assert.equal((await query.deadLetterList({ subject: A, reason: 'poison', limit: 10 })).length, 1);
      assert.equal((await query.deadLetterList({ subject: 'pipeline.trend.>', limit: 10 })).length, 0);
      assert.equal((await query.deadLetterList({ reason: 'max-deliveries', limit: 10 })).length, 0);
      const [listed] = await query.deadLetterList({ limit: 1 });
      assert.equal((await query.deadLetter(listed!.id))?.handler, 'X.h');
      assert.equal(await query.deadLetter(listed!.id + 1000), null);
    });

    it('keeps finished days and counts only today again', async () => {
      await log.recordEvent(envelope('a5', A, '2026-03-09T12:00:00.000Z'), 99); // late, after the day was kept
      await log.recordEvent(envelope('a6', A, '2026-03-10T11:59:00.000Z'), 100);
      const funnel = await query.funnel({ subjects: [A, T], days: 3 }, NOW + 1000);
      assert.deepEqual(funnel.days.map((d) => d.counts[A]), [1, 2, 2]);
    });
  });
}
