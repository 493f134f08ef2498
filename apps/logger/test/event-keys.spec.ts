import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '#contracts';
import { dropDatabase, openDatabase } from '#database';
import type { DataSource } from 'typeorm';
import { eventKeys } from '../src/event-keys.handler.js';
import { LogRepository } from '../src/log.repository.js';
import { LOG_ENTITIES, LOG_MIGRATIONS } from '../src/logger.module.js';

const dir = mkdtempSync(join(tmpdir(), 'event-keys-'));
const dbName = `event_keys_${process.pid}_${Date.now().toString(36)}`;
const backends = [
  { name: 'SQLite', url: `sqlite:${join(dir, 'logs.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
  { name: 'MariaDB', url: `mysql://root@127.0.0.1:3306/${dbName}`, cleanup: () => dropDatabase(`mysql://root@127.0.0.1:3306/${dbName}`) },
];
const P = 'pipeline.video.published.v1';
const T = 'pipeline.trend.detected.v1';

function envelope(id: string, subject: string, at: string, payload: Record<string, unknown>): Envelope {
  return { id, subject, occurredAt: at, correlationId: `c-${id}`, causationId: null, producer: 'test', payload };
}

for (const backend of backends) {
  describe(`logger.events.keys.v1 on ${backend.name}`, () => {
    let ds: DataSource;

    before(async () => {
      ds = await openDatabase({ url: backend.url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
      const log = new LogRepository(ds);
      let seq = 0;
      // Publications 1-5 and 7, 9 inside the window; 8 an hour before it; 6 never logged.
      for (const id of [1, 2, 3, 4, 5, 7, 9]) await log.recordEvent(envelope(`p${id}`, P, `2026-03-10T0${id}:00:00.000Z`, { publicationId: id }), ++seq);
      await log.recordEvent(envelope('p8', P, '2026-03-09T23:00:00.000Z', { publicationId: 8 }), ++seq);
      // A trend announced at each lifecycle step: three events, one id.
      for (const stage of ['emerging', 'peaking', 'fading']) await log.recordEvent(envelope(`t-${stage}`, T, '2026-03-10T01:00:00.000Z', { trendId: 40, stage }), ++seq);
      // An event without the field counts as an event, not as an id.
      await log.recordEvent(envelope('t-none', T, '2026-03-10T02:00:00.000Z', { text: 'x' }), ++seq);
    });
    after(async () => {
      await ds.destroy();
      await backend.cleanup();
    });

    const window = { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z', maxRanges: 20_000 };

    it('gives the distinct ids of the window as ranges, read from the payload in SQL', async () => {
      assert.deepEqual(await eventKeys(ds, { subject: P, key: 'publicationId', ...window }), {
        events: 7,
        distinct: 7,
        ranges: [[1, 5], [7, 7], [9, 9]],
        truncated: false,
      });
      assert.deepEqual(await eventKeys(ds, { subject: T, key: 'trendId', ...window }), { events: 4, distinct: 1, ranges: [[40, 40]], truncated: false });
    });

    it('keeps to the window ([from, to) on occurred_at) and says when it cut the ranges', async () => {
      const late = await eventKeys(ds, { subject: P, key: 'publicationId', from: '2026-03-10T05:00:00.000Z', to: '2026-03-10T09:00:00.000Z', maxRanges: 20_000 });
      assert.deepEqual(late.ranges, [[5, 5], [7, 7]]);
      const cut = await eventKeys(ds, { subject: P, key: 'publicationId', ...window, maxRanges: 2 });
      assert.deepEqual([cut.ranges, cut.truncated], [[[1, 5], [7, 7]], true]);
      const none = await eventKeys(ds, { subject: P, key: 'storyId', ...window });
      assert.deepEqual(none, { events: 7, distinct: 0, ranges: [], truncated: false });
    });
  });
}
