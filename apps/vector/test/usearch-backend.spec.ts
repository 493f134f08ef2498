import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BackendLogger } from '../src/backends/backend-logger.js';
import { USEARCH_DEFAULTS, UsearchBackend, type UsearchBackendOptions } from '../src/backends/usearch.backend.js';
import { storageName } from '../src/backends/vector-input.js';
import { VectorDataDirLockedError } from '../src/backends/vector.errors.js';
import { vectorBackendContract } from './vector-backend.contract.js';
import { CATEGORIES, DAY, EPOCH, exactTopK, makeRows, prng, randomVector, uniqueSpace } from './vector-fixtures.js';

const quiet: BackendLogger = { info: () => {}, warn: () => {}, error: () => {} };

function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `vector-usearch-${label}-`));
}

function options(dataDir: string, overrides: Partial<UsearchBackendOptions> = {}): UsearchBackendOptions {
  return { ...USEARCH_DEFAULTS, dataDir, logger: quiet, ...overrides };
}

const contractDir = tempDir('contract');
vectorBackendContract('usearch', {
  open: () => UsearchBackend.open(options(contractDir)),
  cleanup: async () => rmSync(contractDir, { recursive: true, force: true }),
});

describe('UsearchBackend', () => {
  const dirs: string[] = [];
  const dir = (label: string) => {
    const made = tempDir(label);
    dirs.push(made);
    return made;
  };
  after(() => {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it('lets one process at a time hold a data directory', async () => {
    const dataDir = dir('lock');
    const first = await UsearchBackend.open(options(dataDir));
    await assert.rejects(UsearchBackend.open(options(dataDir)), VectorDataDirLockedError);
    await first.close();
    const second = await UsearchBackend.open(options(dataDir));
    await second.close();
    // A lock left by a process that no longer exists is taken over.
    writeFileSync(join(dataDir, 'LOCK'), '999999999');
    const third = await UsearchBackend.open(options(dataDir));
    await third.close();
    assert.ok(!existsSync(join(dataDir, 'LOCK')));
  });

  it('writes the index file on a debounce, not only at close', async () => {
    const dataDir = dir('debounce');
    const backend = await UsearchBackend.open(options(dataDir, { saveDebounceMs: 50 }));
    const s = uniqueSpace('text', 8);
    const file = join(dataDir, `${storageName(s.name)}.usearch`);
    await backend.upsert(s, makeRows(1, 8, 10));
    assert.ok(!existsSync(file), 'not written synchronously');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(existsSync(file), 'written after the debounce');
    assert.ok(!readdirSync(dataDir).some((name) => name.endsWith('.tmp')), 'no temp file left behind');
    await backend.close();
  });

  it('recovers after a crash: replays changes made since the last index save', async () => {
    const dataDir = dir('crash');
    const s = uniqueSpace('text', 16);
    const rows = makeRows(2, 16, 300);
    const backend = await UsearchBackend.open(options(dataDir, { saveDebounceMs: 600_000, saveMaxWaitMs: 600_000 }));
    await backend.upsert(s, rows);
    await backend.flush();
    // After the save: a replacement, deletions and new rows that only SQLite knows about.
    const moved = { ...rows[10]!, vector: randomVector(prng(77), 16) };
    await backend.upsert(s, [moved, ...makeRows(3, 16, 5, 'late')]);
    await backend.delete(s, ['media:20', 'media:21']);
    // A crash is a copy of the directory taken now: last saved index, current SQLite (with its WAL).
    const crashed = dir('crash-copy');
    cpSync(dataDir, crashed, { recursive: true, filter: (source) => !source.endsWith('LOCK') });
    await backend.close();

    const recovered = await UsearchBackend.open(options(crashed));
    assert.equal(await recovered.count(s), 300 + 5 - 2);
    const hits = await recovered.search(s, moved.vector, { k: 3 });
    assert.equal(hits[0]!.id, 'media:10');
    assert.ok(hits[0]!.score > 0.999);
    const byOld = await recovered.search(s, rows[10]!.vector, { k: 300 });
    assert.equal(byOld.filter((hit) => hit.id === 'media:10').length, 1, 'the stale vector of media:10 is gone');
    const ids = byOld.map((hit) => hit.id);
    assert.ok(!ids.includes('media:20') && !ids.includes('media:21'));
    assert.equal((await recovered.search(s, makeRows(3, 16, 5, 'late')[4]!.vector, { k: 1 }))[0]!.id, 'late:4');
    await recovered.close();
  });

  it('rebuilds an unreadable index file from SQLite', async () => {
    const dataDir = dir('corrupt');
    const s = uniqueSpace('text', 16);
    const rows = makeRows(4, 16, 50);
    const backend = await UsearchBackend.open(options(dataDir));
    await backend.upsert(s, rows);
    await backend.close();
    const file = join(dataDir, `${storageName(s.name)}.usearch`);
    assert.ok(statSync(file).size > 0);
    writeFileSync(file, 'not an index');
    const reopened = await UsearchBackend.open(options(dataDir));
    assert.equal(await reopened.count(s), 50);
    assert.equal((await reopened.search(s, rows[33]!.vector, { k: 1 }))[0]!.id, 'media:33');
    await reopened.close();
  });

  it('filters through the HNSW index by over-fetching when the filter matches many rows', async () => {
    const dataDir = dir('overfetch');
    const s = uniqueSpace('text', 24);
    const rows = makeRows(5, 24, 3000);
    // exactScanMax 0 forces the over-fetch path for every filter.
    const backend = await UsearchBackend.open(options(dataDir, { exactScanMax: 0, expansionSearch: 256 }));
    await backend.upsert(s, rows);
    const query = randomVector(prng(6), 24);
    const filters = [
      { category: CATEGORIES[1] },
      { kinds: ['video' as const], since: new Date(EPOCH + 7 * DAY) },
      { articleIdNot: 1002, until: new Date(EPOCH + 2 * DAY) },
    ];
    for (const filter of filters) {
      const hits = await backend.search(s, query, { k: 10, filter });
      const expected = exactTopK(rows, query, 10, filter);
      assert.equal(hits.length, 10, `filter ${JSON.stringify(filter)}`);
      const found = hits.filter((hit) => expected.includes(hit.id)).length;
      assert.ok(found >= 9, `recall ${found}/10 for ${JSON.stringify(filter)}`);
    }
    // A filter matching very few rows still returns all of them (the fetch grows until exhausted).
    const few = await backend.search(s, query, { k: 10, filter: { category: 'life', until: new Date(EPOCH + 1) } });
    assert.deepEqual(
      few.map((hit) => hit.id),
      exactTopK(rows, query, 10, { category: 'life', until: new Date(EPOCH + 1) }),
    );
    await backend.close();
  });

  it('refuses use after close', async () => {
    const backend = await UsearchBackend.open(options(dir('closed')));
    await backend.close();
    await backend.close();
    await assert.rejects(backend.count(uniqueSpace('text', 4)), /closed/);
  });
});
