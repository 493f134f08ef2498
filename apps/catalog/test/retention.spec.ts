import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FileClass } from '#contracts';
import { CatalogError } from '../src/catalog.errors.js';
import { articleRequest, DIALECTS, hex64, Replica, TestDatabase } from './catalog-fixture.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`catalog file registry and retention plan (${dialect})`, () => {
    let db: TestDatabase;
    let a: Replica;

    // Each test gets an empty registry: plans look at the whole table.
    beforeEach(async () => {
      await a?.close();
      await db?.drop();
      db = TestDatabase.create(dialect);
      a = await Replica.open(db);
    });
    after(async () => {
      await a?.close();
      await db?.drop();
    });

    /** Registers a file and backdates it, as if stored `ageDays` ago. */
    async function file(key: string, fileClass: FileClass, bytes: number, ageDays: number): Promise<number> {
      const { fileId } = await a.retention.register({ key, bytes, sha256: hex64(key), contentType: 'application/octet-stream', fileClass });
      await a.dataSource.query(`UPDATE file_registry SET created_at = ? WHERE id = ?`, [sqlTime(dialect, new Date(Date.now() - ageDays * DAY)), fileId]);
      return fileId;
    }

    async function plan(bytesToFree: number, minAgeDays = 0, limit = 1000) {
      return a.retention.plan({ bytesToFree, minAgeSeconds: minAgeDays * 86_400, limit });
    }

    it('registers a key once and keeps the row, marked, when the file is purged', async () => {
      const first = await a.retention.register({ key: 'x/1.jpg', bytes: 10, sha256: hex64(1), contentType: 'image/jpeg', fileClass: 'scraped' });
      const again = await a.retention.register({ key: 'x/1.jpg', bytes: 10, sha256: hex64(1), contentType: 'image/jpeg', fileClass: 'scraped' });
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.fileId, first.fileId);
      const at = '2026-02-01T12:34:56.789Z';
      assert.deepEqual(await a.retention.purged({ key: 'x/1.jpg', purgedAt: at, reason: 'age' }), { updated: true });
      assert.deepEqual(await a.retention.purged({ key: 'x/1.jpg', purgedAt: at, reason: 'age' }), { updated: false });
      assert.deepEqual(await a.retention.purged({ key: 'never/registered', purgedAt: at, reason: 'manual' }), { updated: false });
      const row = await a.dataSource.getRepository('RegisteredFileEntity').findOneByOrFail({ key: 'x/1.jpg' });
      assert.equal((row.purgedAt as Date).toISOString(), at);
      assert.equal(row.purgeReason, 'age');
      assert.equal(row.evictRank, null);
      assert.equal(await a.count('file_registry'), 1, 'the row stays');
    });

    it('refuses a file of an unknown article', async () => {
      await assert.rejects(
        a.retention.register({ key: 'x/2.jpg', bytes: 1, sha256: hex64(2), contentType: null, fileClass: 'scraped', articleId: 999_999 }),
        (e: unknown) => e instanceof CatalogError && e.code === 'not-found',
      );
      const { articleId } = await a.catalog.upsertArticle(articleRequest(1));
      assert.equal((await a.retention.register({ key: 'x/2.jpg', bytes: 1, sha256: hex64(2), contentType: null, fileClass: 'scraped', articleId })).created, true);
    });

    it('never plans an unpublished generated video, even the oldest, nor other files', async () => {
      await file('render/oldest.mp4', 'generated-unpublished', 10_000, 400);
      await file('misc/oldest.bin', 'other', 10_000, 400);
      await file('scraped/new.jpg', 'scraped', 100, 1);
      const result = await plan(1_000_000);
      assert.deepEqual(
        result.candidates.map((c) => c.key),
        ['scraped/new.jpg'],
      );
      assert.equal(result.plannedBytes, 100);
    });

    it('plans files of published videos first, then the oldest scraped files', async () => {
      await file('scraped/old.jpg', 'scraped', 100, 300);
      await file('scraped/older.jpg', 'scraped', 100, 350);
      await file('published/new.mp4', 'published-video', 1000, 2);
      await file('published/old.mp4', 'published-video', 1000, 20);
      await file('scraped/recent.txt', 'scraped', 100, 10);
      const result = await plan(10_000);
      assert.deepEqual(
        result.candidates.map((c) => [c.key, c.reason]),
        [
          ['published/old.mp4', 'published'],
          ['published/new.mp4', 'published'],
          ['scraped/older.jpg', 'age'],
          ['scraped/old.jpg', 'age'],
          ['scraped/recent.txt', 'age'],
        ],
      );
    });

    it('stops as soon as the bytes are reached, and at the limit', async () => {
      for (let i = 0; i < 10; i++) await file(`s/${i}.jpg`, 'scraped', 100, 100 - i);
      const enough = await plan(250);
      assert.deepEqual(
        enough.candidates.map((c) => c.key),
        ['s/0.jpg', 's/1.jpg', 's/2.jpg'],
      );
      assert.equal(enough.plannedBytes, 300);
      assert.equal((await plan(10_000, 0, 4)).candidates.length, 4);
    });

    it('respects the minimum age of scraped files, but not of published videos', async () => {
      await file('s/young.jpg', 'scraped', 100, 2);
      await file('s/old.jpg', 'scraped', 100, 40);
      await file('p/young.mp4', 'published-video', 100, 1);
      const result = await plan(10_000, 7);
      assert.deepEqual(
        result.candidates.map((c) => c.key),
        ['p/young.mp4', 's/old.jpg'],
      );
    });

    it('never plans a held file until every holder released it or the hold expired', async () => {
      await file('s/held.jpg', 'scraped', 100, 90);
      await file('s/free.jpg', 'scraped', 100, 30);
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
      assert.deepEqual(await a.retention.hold({ keys: ['s/held.jpg', 'unknown/key'], until: null, holder: 'story:1' }), { held: 1 });
      await a.retention.hold({ keys: ['s/held.jpg'], until: inAnHour, holder: 'render:7' });
      assert.deepEqual(
        (await plan(10_000)).candidates.map((c) => c.key),
        ['s/free.jpg'],
      );
      await a.retention.hold({ keys: ['s/held.jpg'], until: new Date().toISOString(), holder: 'render:7' });
      assert.deepEqual(
        (await plan(10_000)).candidates.map((c) => c.key),
        ['s/free.jpg'],
        'story:1 holds it with no end',
      );
      await a.retention.hold({ keys: ['s/held.jpg'], until: new Date(Date.now() - 1000).toISOString(), holder: 'story:1' });
      assert.deepEqual(
        (await plan(10_000)).candidates.map((c) => c.key),
        ['s/held.jpg', 's/free.jpg'],
      );
      assert.equal(await a.count('file_hold'), 2, 'released holds stay as history');
    });

    it('lets a hold expire by itself', async () => {
      await file('s/short.jpg', 'scraped', 100, 90);
      await a.retention.hold({ keys: ['s/short.jpg'], until: new Date(Date.now() + 300).toISOString(), holder: 'render:8' });
      assert.equal((await plan(10_000)).candidates.length, 0);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal((await plan(10_000)).candidates.length, 1);
    });

    it('does not plan purged files, and revives a key stored again', async () => {
      await file('s/a.jpg', 'scraped', 100, 50);
      await a.retention.purged({ key: 's/a.jpg', purgedAt: new Date().toISOString(), reason: 'age' });
      assert.equal((await plan(10_000)).candidates.length, 0);
      const again = await a.retention.register({ key: 's/a.jpg', bytes: 120, sha256: hex64('again'), contentType: null, fileClass: 'scraped' });
      assert.equal(again.created, false);
      const result = await plan(10_000);
      assert.deepEqual(
        result.candidates.map((c) => [c.key, c.bytes]),
        [['s/a.jpg', 120]],
      );
    });

    it('makes a video evictable once its edit is published (also when the render registers late)', async () => {
      const { articleId } = await a.catalog.upsertArticle(articleRequest(2));
      const { trendId } = await a.production.createTrend({ text: 't', windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-02T00:00:00Z', score: 1, detector: 'd', articleIds: [articleId] });
      const { storyId } = await a.production.createStory({ trendId, articleId, model: 'm', standIn: true, textKey: 'stories/2.txt', variant: 0 });
      const { videoId } = await a.production.createVideo({ storyId, model: 'av', standIn: true, fileKey: 'videos/2.mp4', durationS: 10, hasAudio: true, generatedAt: '2026-01-02T00:00:00Z', variant: 0 });
      const { editId } = await a.production.createEdit({ videoId, editor: 'ed', standIn: true, platformProfile: 'youtube-shorts', fileKey: 'edits/2.mp4', durationS: 9, editedAt: '2026-01-02T00:00:00Z' });
      await file('videos/2.mp4', 'generated-unpublished', 5000, 3);
      assert.equal((await plan(10_000)).candidates.length, 0);
      await a.production.recordPublication({ editId, platform: 'youtube', account: 'a', externalId: 'abc', publishedAt: '2026-01-03T00:00:00Z' });
      await file('edits/2.mp4', 'generated-unpublished', 4000, 3);
      assert.deepEqual(
        (await plan(100_000)).candidates.map((c) => [c.key, c.reason]).sort(),
        [
          ['edits/2.mp4', 'published'],
          ['videos/2.mp4', 'published'],
        ],
      );
    });

    it('pages through more candidates than one page holds, in order', async () => {
      const values: string[] = [];
      for (let i = 0; i < 250; i++) values.push(`('p/${String(i).padStart(4, '0')}', 10, '${hex64(i)}', 'scraped', 1, ${sqlLiteral(new Date(Date.now() - (1000 - i) * 60_000))})`);
      await a.dataSource.query(`INSERT INTO file_registry (file_key, bytes, sha256, file_class, evict_rank, created_at) VALUES ${values.join(', ')}`);
      const keys: string[] = [];
      for await (const c of a.retention.candidates({ minAgeSeconds: 0, pageSize: 64 })) keys.push(c.key);
      assert.equal(keys.length, 250);
      assert.deepEqual(keys, [...keys].sort());
    });
  });
}

/** A Date as each driver stores DATETIME(3) (SQLite keeps TypeORM's UTC text form). */
function sqlTime(dialect: string, date: Date): string | Date {
  return dialect === 'sqlite' ? date.toISOString().replace('T', ' ').replace('Z', '') : date;
}

/** The same, as a literal: both dialects parse 'YYYY-MM-DD HH:MM:SS.SSS' (UTC here). */
function sqlLiteral(date: Date): string {
  return `'${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
