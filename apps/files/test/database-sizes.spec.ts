import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { StorageSizeResponseV1 } from '#contracts';
import type { Logger } from 'winston';
import { DatabaseSizes, type DatabaseOwner } from '../src/retention/database-sizes.js';

/** Every log line, to check what the figures say about themselves. */
class Capture {
  lines: Array<{ level: string; message: string }> = [];
  readonly logger = {
    info: (message: string) => void this.lines.push({ level: 'info', message }),
    warn: (message: string) => void this.lines.push({ level: 'warn', message }),
    error: (message: string) => void this.lines.push({ level: 'error', message }),
  } as unknown as Logger;
}

function answer(owner: string, bytes: number, location?: { host: string; device: string }): StorageSizeResponseV1 {
  return {
    owner,
    bytes,
    exact: true,
    parts: [{ name: `${owner} db`, bytes, method: 'sqlite-pages', exact: true, ...(location ? { location } : {}) }],
    measuredAt: new Date().toISOString(),
  };
}

describe('database sizes for the storage cap', () => {
  let root: string;
  let capture: Capture;
  let clock: number;
  let sizes: Record<string, number | Error>;
  let asked: Record<string, number>;

  const owner = (name: string, location?: () => { host: string; device: string }): DatabaseOwner => ({
    name,
    ask: async () => {
      asked[name] = (asked[name] ?? 0) + 1;
      const size = sizes[name];
      if (size instanceof Error || size === undefined) throw size ?? new Error('no responders');
      return answer(name, size, location?.());
    },
  });

  function make(owners: DatabaseOwner[]): DatabaseSizes {
    return new DatabaseSizes(owners, { root, ttlMs: 60_000, timeoutMs: 100, stateFile: join(root, '.retention', 'database-sizes.json'), now: () => clock }, capture.logger);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-dbsizes-'));
    capture = new Capture();
    clock = 1_000_000;
    sizes = {};
    asked = {};
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('sums what the owners report and asks again only after the TTL', async () => {
    sizes = { catalog: 3000, logger: 2000, vector: 1000 };
    const db = make([owner('catalog'), owner('logger'), owner('vector')]);
    const first = await db.current();
    assert.equal(first.countedBytes, 6000);
    assert.deepEqual(first.databases.map((d) => [d.owner, d.bytes, d.countedBytes, d.source]), [
      ['catalog', 3000, 3000, 'reported'],
      ['logger', 2000, 2000, 'reported'],
      ['vector', 1000, 1000, 'reported'],
    ]);
    sizes.catalog = 5000;
    clock += 59_000;
    assert.equal((await db.current()).countedBytes, 6000, 'cached within the TTL');
    assert.equal(asked.catalog, 1);
    clock += 2_000;
    assert.equal((await db.current()).countedBytes, 8000, 'asked again after it');
    assert.equal(asked.catalog, 2);
  });

  it('counts an owner that stops answering with its last known size, and logs it', async () => {
    sizes = { catalog: 3000, logger: 2000 };
    const db = make([owner('catalog'), owner('logger')]);
    await db.current();
    sizes.logger = new Error('request logger.storage.size.v1 timed out after 100 ms');
    clock += 61_000;
    const report = await db.current();
    assert.equal(report.countedBytes, 5000, 'the logger still counts');
    const logger = report.databases.find((d) => d.owner === 'logger')!;
    assert.equal(logger.source, 'last-known');
    assert.match(logger.problem!, /timed out/);
    const warning = capture.lines.find((l) => l.level === 'warn' && /logger did not report/.test(l.message));
    assert.ok(warning, 'the log says the last known size is used');
    assert.match(warning.message, /last known size, 2000 bytes/);
  });

  it('never treats an owner never heard from as a silent zero: unknown, and an error in the log', async () => {
    sizes = { catalog: 3000 };
    const db = make([owner('catalog'), owner('vector')]);
    const report = await db.current();
    const vector = report.databases.find((d) => d.owner === 'vector')!;
    assert.deepEqual([vector.source, vector.countedBytes, vector.measuredAt, vector.exact], ['unknown', 0, null, false]);
    const error = capture.lines.find((l) => l.level === 'error' && /vector did not report/.test(l.message));
    assert.ok(error);
    assert.match(error.message, /NOT counted against the cap until it answers/);
  });

  it('keeps the last known sizes across a restart', async () => {
    sizes = { catalog: 3000, logger: 2000 };
    await make([owner('catalog'), owner('logger')]).current();
    const saved = JSON.parse(await readFile(join(root, '.retention', 'database-sizes.json'), 'utf8')) as Record<string, { bytes: number }>;
    assert.equal(saved.catalog!.bytes, 3000);
    sizes = {}; // nobody answers after the restart
    const report = await make([owner('catalog'), owner('logger')]).current();
    assert.deepEqual(report.databases.map((d) => [d.owner, d.source, d.countedBytes]), [
      ['catalog', 'last-known', 3000],
      ['logger', 'last-known', 2000],
    ]);
  });

  it('does not count twice a database whose files sit on the file root volume (statfs has them)', async () => {
    const device = String((await stat(root)).dev);
    sizes = { catalog: 3000, logger: 2000 };
    const db = make([owner('catalog', () => ({ host: hostname(), device })), owner('logger', () => ({ host: hostname(), device: `${device}9` }))]);
    const report = await db.current();
    assert.deepEqual(report.databases.map((d) => [d.owner, d.bytes, d.countedBytes]), [
      ['catalog', 3000, 0],
      ['logger', 2000, 2000],
    ]);
    assert.equal(report.countedBytes, 2000);
  });

  it('latest() answers at once with a stale report and refreshes it in the background', async () => {
    sizes = { catalog: 3000 };
    const db = make([owner('catalog')]);
    await db.latest();
    sizes.catalog = 4000;
    clock += 61_000;
    assert.equal((await db.latest()).countedBytes, 3000, 'stale, without waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await db.latest()).countedBytes, 4000, 'refreshed meanwhile');
  });
});
