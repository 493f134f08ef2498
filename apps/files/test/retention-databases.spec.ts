import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningApp } from '#bootstrap';
import {
  CatalogArticleUpsertV1,
  CatalogStorageSizeV1,
  FilesUsageV1,
  LoggerStorageSizeV1,
  VectorStorageSizeV1,
  VectorUpsertV1,
  type FilesUsageResponseV1,
} from '#contracts';
import { dropDatabase, openDatabase } from '#database';
import { FilesClient } from '#files-client';
import { TestBus, waitFor, type TestNatsServer } from '#testing';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { LoggerModule } from '../../logger/src/logger.module.js';
import { VectorModule } from '../../vector/src/vector.module.js';
import { passwordOf, startAuthNatsServer } from '../../../test/nats-auth.fixture.js';
import { FilesModule } from '../src/files.module.js';

interface SqliteDatabase {
  pragma(sql: string, options: { simple: true }): number;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;

const MYSQL_SERVER = process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const MiB = 1024 * 1024;

/**
 * The cap counts the databases: the real catalog (MariaDB), logger (SQLite) and vector (usearch)
 * apps answer `*.storage.size.v1`, each as its own NATS user under the generated production
 * permissions, and the files service (its root on a 4 MiB tmpfs, another device than the
 * databases) subtracts their sizes from FILES_CAPACITY_BYTES before it sweeps.
 */
describe('retention counts the databases against the cap (catalog on MariaDB, logger and vector on local files)', () => {
  let server: TestNatsServer | undefined;
  let bus: TestBus | undefined;
  let root: string;
  let dataDir: string;
  let mounted = false;
  let logger: RunningApp | undefined;
  let client: FilesClient | undefined;
  let files: RunningApp | undefined;
  const catalogUrl = `${MYSQL_SERVER}/catalog_dbsize_${randomBytes(4).toString('hex')}`;
  let databasesAtStart = 0;

  const as = (user: string, env: Record<string, string>) => ({ NATS_USER: user, NATS_PASSWORD: passwordOf(user), DATA_DIR: dataDir, ...env });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-dbsize-root-'));
    dataDir = await mkdtemp(join(tmpdir(), 'files-dbsize-data-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', root], { stdio: 'pipe' });
      mounted = true;
    } catch {
      return;
    }
    server = await startAuthNatsServer();
    bus = await TestBus.create({ natsUrl: server.url, user: 'admin', password: passwordOf('admin'), namespace: '' });
    logger = await bus.startApp(LoggerModule, 'logger', as('logger', { LOG_DB_URL: `sqlite:${join(dataDir, 'logs.sqlite')}` }));
    await bus.startApp(CatalogModule, 'catalog', as('catalog', { CATALOG_DB_URL: catalogUrl }));
    await bus.startApp(VectorModule, 'vector', as('vector', { VECTOR_BACKEND: 'usearch' }));
    // Some vectors, so the usearch files are not empty.
    await bus.requests.request(VectorUpsertV1, {
      space: { name: 'text__dbsize-test__64', dim: 64 },
      rows: Array.from({ length: 200 }, (_, i) => ({
        id: `media:${i + 1}`,
        vector: Array.from({ length: 64 }, () => Math.random() - 0.5),
        articleId: i + 1,
        category: 'life',
        source: 'test',
        kind: 'text' as const,
        createdAt: new Date().toISOString(),
      })),
    });
    // The cap is set from the databases' sizes now: 2.5 MiB are left for files, less than the tmpfs.
    const owners = await Promise.all([CatalogStorageSizeV1, LoggerStorageSizeV1, VectorStorageSizeV1].map((c) => bus!.requests.request(c, {})));
    databasesAtStart = owners.reduce((sum, o) => sum + o.bytes, 0);
    files = await bus.startApp(
      FilesModule,
      'files',
      as('files', {
        FILES_ROOT: root,
        FILES_CAPACITY_BYTES: String(databasesAtStart + 2.5 * MiB),
        FILES_SCRAPED_MIN_AGE_SECONDS: '0',
        FILES_SWEEP_INTERVAL_MS: '200',
        FILES_DATABASE_SIZE_TTL_MS: '300',
        FILES_DATABASE_SIZE_TIMEOUT_MS: '1000',
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
      }),
    );
    client = new FilesClient({ request: (contract, payload, options) => bus!.requests.request(contract, payload, options) });
  });

  after(async () => {
    client?.close();
    await bus?.close();
    await server?.stop();
    await dropDatabase(catalogUrl).catch(() => undefined);
    if (mounted) execFileSync('umount', [root]);
    await rm(root, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  const usage = (): Promise<FilesUsageResponseV1> => bus!.requests.request(FilesUsageV1, {});
  const of = (u: FilesUsageResponseV1, owner: string) => u.databases!.find((d) => d.owner === owner)!;

  it('reports each database as its owner measures it, and subtracts them from the cap', async (t) => {
    if (!bus) return t.skip('mount -t tmpfs is not permitted here');
    const u = await usage();
    assert.deepEqual(u.databases!.map((d) => [d.owner, d.source]), [
      ['catalog', 'reported'],
      ['logger', 'reported'],
      ['vector', 'reported'],
    ]);
    // The catalog: information_schema of its MariaDB schema, asked directly; the logger: its SQLite
    // file's pages plus the WAL, read here. Both may change between two reads (InnoDB refreshes its
    // statistics in the background, the logger writes), so the figures are compared until a
    // refresh of the files service (TTL 300 ms) and a direct read agree.
    const direct = await openDatabase({ url: catalogUrl, entities: [], migrations: [] });
    const logs = new Database(join(dataDir, 'logs.sqlite'), { readonly: true });
    try {
      await waitFor('files.usage.v1 to agree with the databases', async () => {
        const now = await usage();
        const [row] = (await direct.query('SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE()')) as Array<{ bytes: string }>;
        const pages = logs.pragma('page_count', { simple: true }) * logs.pragma('page_size', { simple: true });
        const wal = (await stat(join(dataDir, 'logs.sqlite-wal')).catch(() => null))?.size ?? 0;
        return of(now, 'catalog').bytes === Number(row!.bytes) && of(now, 'logger').bytes === pages + wal;
      }, 10_000, 200);
    } finally {
      logs.close();
      await direct.destroy();
    }
    assert.ok(of(u, 'vector').bytes > 64 * 200 * 4 * 0.5, `the usearch files hold the 200 vectors (${of(u, 'vector').bytes})`);
    // Not on the tmpfs: every byte counts against the cap.
    for (const d of u.databases!) assert.equal(d.countedBytes, d.bytes, `${d.owner} is on another device than the file root`);
    assert.equal(u.databaseBytes, u.databases!.reduce((sum, d) => sum + d.countedBytes, 0));
    assert.equal(u.budgetBytes, databasesAtStart + 2.5 * MiB);
    assert.equal(u.capacityBytes, u.budgetBytes! - u.databaseBytes!, 'the files get the cap minus the databases (less than the 4 MiB volume)');

    const metrics = await (await fetch(`${files!.opsUrl}/metrics`)).text();
    assert.match(metrics, /files_database_bytes\{[^}]*owner="catalog"[^}]*counted="true"[^}]*\} [1-9]/);
    assert.match(metrics, /files_database_size_unknown\{[^}]*\} 0/);
  });

  it('sweeps when the files pass the high watermark of the cap minus the databases, though the volume is far from full', async (t) => {
    if (!bus || !client) return t.skip('mount -t tmpfs is not permitted here');
    const article = await bus.requests.request(CatalogArticleUpsertV1, {
      url: 'https://news.example.kr/dbsize-1',
      category: 'life',
      title: 'Database size probe',
      scrapedAt: new Date().toISOString(),
      contentHash: 'dbsize-probe-000001',
      media: [],
    });
    const keys: string[] = [];
    for (const index of [1, 2, 3]) keys.push(await client.allocate({ articleId: article.articleId, role: 'image', ext: 'jpg', index }));
    const size = 850_000; // 2.55 MB: 97% of the 2.5 MiB left by the databases, 61% of the 4 MiB volume
    for (const key of keys) await client.put(key, randomBytes(size));
    await waitFor('the sweep to purge the oldest image', async () => (await stat(join(root, keys[0]!)).catch(() => null)) === null, 15_000, 50);
    await stat(join(root, keys[1]!));
    await stat(join(root, keys[2]!));
    const after = await waitFor('the sweep to finish', async () => {
      const u = await usage();
      return u.lastSweep?.finishedAt && u.lastSweep.purgedFiles > 0 ? u : null;
    });
    assert.ok(after.usedBytes / (4 * MiB) < 0.7, 'the volume itself was never near its 90% watermark');
    assert.ok(after.usedBytes <= after.capacityBytes * 0.8 + 64 * 1024, `down to the low watermark of the files' share: ${after.lastSweep?.outcome}`);
  });

  it('counts a database whose owner stopped answering with its last known size', async (t) => {
    if (!bus || !logger) return t.skip('mount -t tmpfs is not permitted here');
    const before = of(await usage(), 'logger');
    await logger.close();
    const u = await waitFor('the logger to be counted from memory', async () => {
      const current = await usage();
      return of(current, 'logger').source === 'last-known' ? current : null;
    }, 10_000, 100);
    const logged = of(u, 'logger');
    assert.ok(logged.countedBytes >= before.countedBytes, 'the last size it reported still counts');
    assert.match(logged.problem!, /Nobody serves logger.storage.size.v1/);
    assert.ok(u.databaseBytes! >= logged.countedBytes + of(u, 'catalog').countedBytes);
  });
});
