import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Column, Entity, PrimaryGeneratedColumn, type DataSource } from 'typeorm';
import { databaseStorageSize, dropDatabase, openDatabase, storageSizeResponse } from '../src/index.js';

@Entity({ name: 'blob_row' })
class BlobRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  body!: string;
}

const MYSQL_SERVER = process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** Writes `rows` rows of 8 KiB of incompressible text. */
async function fill(dataSource: DataSource, rows: number): Promise<void> {
  const repo = dataSource.getRepository(BlobRow);
  for (let i = 0; i < rows; i += 50) {
    await repo.insert(Array.from({ length: Math.min(50, rows - i) }, () => ({ body: randomBytes(4096).toString('hex') })));
  }
}

async function open(url: string): Promise<DataSource> {
  const dataSource = await openDatabase({ url, entities: [BlobRow], migrations: [] });
  await dataSource.synchronize(); // a test table only; the apps use migrations
  return dataSource;
}

describe('databaseStorageSize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storage-size-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: page_count * page_size plus the -wal file, with the file location', async () => {
    const path = join(dir, 'size.sqlite');
    const dataSource = await open(`sqlite:${path}`);
    try {
      const empty = await databaseStorageSize(dataSource);
      await fill(dataSource, 400); // ~3.2 MB of text
      const part = await databaseStorageSize(dataSource);
      assert.equal(part.method, 'sqlite-pages');
      assert.equal(part.exact, true);
      const [pages] = (await dataSource.query('PRAGMA page_count')) as Array<{ page_count: number }>;
      const [size] = (await dataSource.query('PRAGMA page_size')) as Array<{ page_size: number }>;
      const wal = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
      assert.equal(part.bytes, pages!.page_count * size!.page_size + wal);
      assert.ok(part.bytes - empty.bytes > 3_000_000, `grew by the 3.2 MB written (${empty.bytes} -> ${part.bytes})`);
      // After a checkpoint the WAL is empty and the pages hold it all: the figure stays about the same.
      await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
      const checkpointed = await databaseStorageSize(dataSource);
      assert.ok(Math.abs(checkpointed.bytes - statSync(path).size) < 8192, `the main file after a checkpoint (${checkpointed.bytes} vs ${statSync(path).size})`);
      assert.deepEqual(part.location, { host: hostname(), device: String(statSync(path).dev) });
      const answer = storageSizeResponse('catalog', [part]);
      assert.equal(answer.bytes, part.bytes);
      assert.equal(answer.exact, true);
    } finally {
      await dataSource.destroy();
    }
  });

  it('MariaDB: data_length + index_length of its own schema only, no location', async () => {
    const name = `storage_size_${randomBytes(4).toString('hex')}`;
    const other = `${name}_other`;
    const dataSource = await open(`${MYSQL_SERVER}/${name}`);
    const neighbour = await open(`${MYSQL_SERVER}/${other}`);
    try {
      await fill(dataSource, 400);
      await fill(neighbour, 100);
      await dataSource.query('ANALYZE TABLE blob_row'); // InnoDB's page statistics, brought up to date
      const part = await databaseStorageSize(dataSource);
      assert.equal(part.method, 'mysql-information-schema');
      assert.equal(part.location, undefined, 'a database server: its files are not on this host');
      const [row] = (await dataSource.query(
        'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = ?',
        [name],
      )) as Array<{ bytes: string | number }>;
      assert.equal(part.bytes, Number(row!.bytes));
      assert.ok(part.bytes > 3_000_000, `the 3.2 MB written are counted (${part.bytes})`);
      const theirs = await databaseStorageSize(neighbour);
      assert.ok(theirs.bytes < part.bytes, 'each schema reports its own size');
      assert.match(part.name, new RegExp(name));
    } finally {
      await dataSource.destroy();
      await neighbour.destroy();
      await dropDatabase(`${MYSQL_SERVER}/${name}`);
      await dropDatabase(`${MYSQL_SERVER}/${other}`);
    }
  });
});
