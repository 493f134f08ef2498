import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import {
  CatalogArticleGetV1,
  CatalogArticleUpsertV1,
  CatalogCategoryListV1,
  CatalogRetentionPlanV1,
  Events,
  FilesUsageV1,
  type Envelope,
  type FilePurgedV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { decodeJson } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { FilesModule } from '../src/files.module.js';

interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
// better-sqlite3 ships no types; the test only reads one table of the catalog's file.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;

/**
 * The files service and the real catalog (its own process, SQLite) on one isolated bus, over a
 * 4 MiB tmpfs so the volume really fills: uploads register, a hold protects, the sweeper purges
 * the oldest scraped file, the catalog row stays (marked purged) and `file.purged` is published.
 */
describe('retention with the catalog (files app + catalog process over NATS)', () => {
  let bus: TestBus | undefined;
  let catalog: ChildProcess | undefined;
  let root: string;
  let dataDir: string;
  let mounted = false;
  let client: FilesClient;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-catalog-root-'));
    dataDir = await mkdtemp(join(tmpdir(), 'files-catalog-data-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', root], { stdio: 'pipe' });
      mounted = true;
    } catch {
      return;
    }
    bus = await TestBus.create();
    const main = resolve(import.meta.dirname, '../../catalog/src/main.js');
    catalog = spawn(process.execPath, [main], {
      env: { ...process.env, ...bus.env({ CATALOG_DB_URL: `sqlite:${join(dataDir, 'catalog.sqlite')}`, DATA_DIR: dataDir }) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<never>((_, reject) =>
      catalog!.once('exit', (code) => reject(new Error(`the catalog process exited (code ${code}) before answering; its stderr is above`))),
    );
    await Promise.race([waitFor('the catalog to answer', () => bus!.requests.request(CatalogCategoryListV1, {}, { timeoutMs: 500 }), 30_000, 200), exited]);
    exited.catch(() => undefined);
    await bus.startApp(FilesModule, 'files', {
      FILES_ROOT: root,
      FILES_SCRAPED_MIN_AGE_SECONDS: '0',
      FILES_SWEEP_INTERVAL_MS: '200',
    });
    client = new FilesClient({ request: (contract, payload, options) => bus!.requests.request(contract, payload, options) });
  });

  after(async () => {
    client?.close();
    await bus?.close();
    if (catalog && catalog.exitCode === null) {
      catalog.kill('SIGTERM');
      await new Promise((resolve) => catalog!.once('exit', resolve));
    }
    if (mounted) execFileSync('umount', [root]);
    await rm(root, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('purges the oldest unheld scraped file when the volume passes the high watermark, and keeps its row', async (t) => {
    if (!bus) return t.skip('mount -t tmpfs is not permitted here');
    const article = await bus.requests.request(CatalogArticleUpsertV1, {
      url: 'https://news.example.kr/retention-1',
      category: 'life',
      title: 'Retention probe',
      scrapedAt: new Date().toISOString(),
      contentHash: 'retention-probe-0001',
      media: [],
    });
    const keys: string[] = [];
    for (const index of [1, 2, 3]) keys.push(await client.allocate({ articleId: article.articleId, role: 'image', ext: 'jpg', index }));
    const size = 1_300_000; // three of them pass 90% of 4 MiB, two do not
    await client.put(keys[0]!, randomBytes(size));
    // A running story holds the oldest image: it must survive the sweep.
    assert.equal(await client.hold([keys[0]!], 'story:1', new Date(Date.now() + 3600_000)), 1);
    await client.put(keys[1]!, randomBytes(size));
    const before = await bus.requests.request(FilesUsageV1, {});
    assert.ok(before.usedBytes / before.capacityBytes < 0.9, `below the high watermark before the third file (${before.usedBytes})`);
    await client.put(keys[2]!, randomBytes(size));

    await waitFor('the sweep to purge image 2', async () => (await stat(join(root, keys[1]!)).catch(() => null)) === null, 10_000, 50);
    await stat(join(root, keys[0]!));
    await stat(join(root, keys[2]!));
    const after = await waitFor('the sweep to finish', async () => {
      const usage = await bus!.requests.request(FilesUsageV1, {});
      return usage.lastSweep?.finishedAt && usage.lastSweep.purgedFiles > 0 ? usage : null;
    });
    assert.ok(after.usedBytes / after.capacityBytes <= 0.8, `at or below the low watermark after the sweep: ${after.lastSweep?.outcome}`);

    // The catalog row is kept, marked purged; the article stays.
    const db = new Database(join(dataDir, 'catalog.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT file_key AS key, purged_at AS purgedAt, purge_reason AS reason FROM file_registry ORDER BY id').all() as Array<{ key: string; purgedAt: string | null; reason: string | null }>;
      assert.deepEqual(rows.map((r) => [r.key, r.purgedAt !== null, r.reason]), [
        [keys[0], false, null],
        [keys[1], true, 'age'],
        [keys[2], false, null],
      ]);
    } finally {
      db.close();
    }
    assert.equal((await bus.requests.request(CatalogArticleGetV1, { articleId: article.articleId })).article.articleId, article.articleId);
    const plan = await bus.requests.request(CatalogRetentionPlanV1, { bytesToFree: 1e12, minAgeSeconds: 0, limit: 100 });
    assert.deepEqual(plan.candidates.map((c) => c.key), [keys[2]], 'purged and held files are not planned again');
    await client.release([keys[0]!], 'story:1');
    const released = await bus.requests.request(CatalogRetentionPlanV1, { bytesToFree: 1e12, minAgeSeconds: 0, limit: 100 });
    assert.deepEqual(released.candidates.map((c) => c.key), [keys[0], keys[2]], 'a released file is evictable again, oldest first');

    // file.purged went into the pipeline stream.
    const message = await bus.jsm.streams.getMessage(bus.ns.stream('PIPELINE'), { last_by_subj: bus.ns.subject(Events.FilePurgedV1) });
    const decoded = decodeJson(message!.data);
    assert.ok(decoded.ok);
    const envelope = decoded.value as Envelope<FilePurgedV1>;
    assert.equal(envelope.producer, 'files');
    assert.deepEqual([envelope.payload.key, envelope.payload.reason, envelope.payload.bytes], [keys[1], 'age', size]);
  });
});
