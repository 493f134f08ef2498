import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalogMigrations } from '../src/migrations/index.js';
import { SEEDED_CATEGORIES } from '../src/migrations/seed-categories.migration.js';
import { DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

const TABLES = [
  'category',
  'source',
  'article',
  'article_alias',
  'media',
  'trend',
  'trend_article',
  'story',
  'video',
  'edit',
  'publication',
  'metric_snapshot',
  'file_registry',
  'file_hold',
  'article_embedding',
  'article_fingerprint',
  'channel',
  'quota_ledger',
  'upload',
  'metric_daily',
];

for (const dialect of DIALECTS) {
  describe(`catalog schema (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let replica: Replica;

    before(async () => {
      replica = await Replica.open(db);
    });
    after(async () => {
      await replica?.close();
      await db.drop();
    });

    it('migrates an empty database up to every table', async () => {
      for (const table of TABLES) assert.equal(await replica.count(table) >= 0, true, table);
      assert.equal(await replica.count('migrations'), catalogMigrations.length);
      assert.equal(await replica.dataSource.showMigrations(), false, 'no migration pending');
    });

    it('seeds the category master table (life, economy, gossip, ...)', async () => {
      const categories = await replica.catalog.listCategories();
      assert.deepEqual(
        categories.map((c) => c.slug),
        SEEDED_CATEGORIES.map((c) => c.slug),
      );
      for (const slug of ['life', 'economy', 'gossip', 'politics', 'other']) assert.ok(categories.some((c) => c.slug === slug), slug);
      assert.equal(categories.find((c) => c.slug === 'economy')!.nameKo, '경제');
    });

    it('reopens without re-running migrations, and migrates down and up again', async () => {
      const second = await Replica.open(db);
      try {
        assert.equal(await second.count('migrations'), catalogMigrations.length);
        assert.equal(await second.count('category'), SEEDED_CATEGORIES.length);
        await second.count('media', 'status IS NULL AND error IS NULL');
        // What undoing a migration must have removed; a migration without an entry is undone unchecked.
        const undone: Record<string, () => Promise<unknown>> = {
          MediaStatus1796100000000: async () => {
            await assert.rejects(second.count('media', 'status IS NULL'), 'the media status columns are gone');
            assert.equal(await second.count('media'), 0, 'the media table itself stays');
          },
          ArticleFingerprint1796000000000: () => assert.rejects(second.count('article_fingerprint')),
          ArticleEmbedding1795692644271: () => assert.rejects(second.count('article_embedding')),
          SeedCategories1767225600001: async () => assert.equal(await second.count('category'), 0),
          InitialSchema1767225600000: () => assert.rejects(second.count('article')),
          EditQa1795989329366: async () => {
            await assert.rejects(second.count('edit', 'plan_json IS NULL'), 'the edit QA columns are gone');
            assert.equal(await second.count('edit'), 0, 'the edit table itself stays');
          },
        };
        const executed = async () => ((await second.dataSource.query('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name);
        for (let left = catalogMigrations.length; left > 0; left--) {
          const before = await executed();
          await second.dataSource.undoLastMigration();
          const after = new Set(await executed());
          const gone = before.filter((name) => !after.has(name));
          assert.equal(gone.length, 1, `one migration undone, not ${gone.join(', ')}`);
          await undone[gone[0]!]?.();
        }
        await second.dataSource.runMigrations();
        assert.equal(await second.count('category'), SEEDED_CATEGORIES.length);
      } finally {
        await second.close();
      }
    });

    it('compares keys byte for byte on both dialects (MySQL would fold case by default)', async () => {
      const lower = await replica.retention.register({ key: 'media/aB/x.jpg', bytes: 1, sha256: 'a'.repeat(64), contentType: null, fileClass: 'scraped' });
      const upper = await replica.retention.register({ key: 'media/Ab/x.jpg', bytes: 1, sha256: 'a'.repeat(64), contentType: null, fileClass: 'scraped' });
      assert.equal(lower.created, true);
      assert.equal(upper.created, true);
      assert.notEqual(lower.fileId, upper.fileId);
    });
  });
}
