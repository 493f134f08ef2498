import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FileClass } from '#contracts';
import { RetentionSweeper, type RetentionCandidate, type RetentionPorts } from '../src/retention/retention.sweeper.js';
import type { VolumeUsage } from '../src/retention/volume.meter.js';
import { FileStore } from '../src/storage/file-store.js';
import { allocateKey } from '../src/storage/key-layout.js';
import { logger, sha256 } from './files-test.helpers.js';

interface Row {
  key: string;
  bytes: number;
  fileClass: FileClass;
  ageSeconds: number;
  held: boolean;
  purged: boolean;
}

/**
 * A stand-in for the catalog's registry with the eviction order of the contract: published videos
 * first, then scraped files oldest first past the minimum age; never held or unpublished generated.
 */
class FakeCatalog {
  rows: Row[] = [];
  planCalls = 0;
  plan(request: { bytesToFree: number; minAgeSeconds: number; limit: number }): { candidates: RetentionCandidate[] } {
    this.planCalls++;
    const live = this.rows.filter((r) => !r.purged && !r.held);
    const published = live.filter((r) => r.fileClass === 'published-video').map((r) => ({ ...r, reason: 'published' as const }));
    const scraped = live
      .filter((r) => r.fileClass === 'scraped' && r.ageSeconds >= request.minAgeSeconds)
      .sort((a, b) => b.ageSeconds - a.ageSeconds)
      .map((r) => ({ ...r, reason: 'age' as const }));
    const candidates: RetentionCandidate[] = [];
    let planned = 0;
    for (const r of [...published, ...scraped]) {
      if (planned >= request.bytesToFree || candidates.length >= request.limit) break;
      candidates.push({ key: r.key, bytes: r.bytes, reason: r.reason });
      planned += r.bytes;
    }
    return { candidates };
  }
}

describe('retention sweeper (fake catalog, real files)', () => {
  let root: string;
  let store: FileStore;
  let catalog: FakeCatalog;
  let reported: Array<{ key: string; reason: string }>;
  let published: Array<{ key: string; bytes: number; reason: string }>;
  let usage: VolumeUsage;

  async function add(key: string, bytes: number, fileClass: FileClass, ageSeconds: number, held = false): Promise<void> {
    const data = randomBytes(bytes);
    await store.write(key, Readable.from([data]), { declaredSha256: sha256(data) });
    catalog.rows.push({ key, bytes, fileClass, ageSeconds, held, purged: false });
    usage.usedBytes += bytes;
  }

  function sweeper(overrides: Partial<RetentionPorts> = {}): RetentionSweeper {
    const ports: RetentionPorts = {
      meter: { measure: async () => ({ ...usage }) },
      plan: async (request) => catalog.plan(request),
      remove: async (key) => {
        const removed = await store.remove(key);
        usage.usedBytes -= removed?.bytes ?? 0;
        return removed;
      },
      reportPurged: async (purge) => {
        reported.push(purge);
        const row = catalog.rows.find((r) => r.key === purge.key);
        if (row) row.purged = true;
      },
      publishPurged: async (purge) => void published.push(purge),
      ...overrides,
    };
    return new RetentionSweeper(ports, { highWatermark: 0.9, lowWatermark: 0.8, minAgeSeconds: 3600, batch: 2, intervalMs: 60_000 }, logger);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-retention-'));
    store = await FileStore.open({ root, maxUploadBytes: 1e9 });
    catalog = new FakeCatalog();
    reported = [];
    published = [];
    usage = { capacityBytes: 100_000, usedBytes: 0, availableBytes: 1e9 };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const scraped = (articleId: number, index: number): string => allocateKey({ articleId, role: 'image', ext: 'jpg', index, ownerCreatedAt: '2026-11-01T00:00:00Z' });
  const generated = (storyId: number, role: 'generated' | 'edited' = 'generated'): string =>
    allocateKey({ storyId, role, ext: 'mp4', index: role === 'edited' ? 1 : undefined, ownerCreatedAt: '2026-11-02T00:00:00Z' });

  it('does nothing below the high watermark', async () => {
    await add(scraped(1, 1), 80_000, 'scraped', 999_999);
    const report = await sweeper().sweep('test');
    assert.equal(report.purgedFiles, 0);
    assert.equal(catalog.planCalls, 0);
    assert.match(report.outcome, /below the high watermark/);
  });

  it('frees down to the low watermark: published videos first, then the oldest scraped files; never unpublished or held ones', async () => {
    await add(generated(1), 20_000, 'published-video', 10);
    await add(generated(2), 20_000, 'generated-unpublished', 999_999);
    await add(scraped(10, 1), 10_000, 'scraped', 500_000);
    await add(scraped(11, 1), 10_000, 'scraped', 900_000);
    await add(scraped(12, 1), 10_000, 'scraped', 800_000, true);
    await add(scraped(13, 1), 10_000, 'scraped', 60);
    await add(scraped(14, 1), 15_000, 'scraped', 700_000);
    assert.equal(usage.usedBytes, 95_000);
    const report = await sweeper().sweep('test');
    // 95k -> at most 80k: the published video (20k) is enough.
    assert.deepEqual(reported.map((r) => [r.key, r.reason]), [[generated(1), 'published']]);
    assert.equal(report.purgedBytes, 20_000);
    usage.usedBytes += 20_000; // more data arrives: 95k again, no published video left
    const second = await sweeper().sweep('test');
    // oldest first: 11 (900k s), 12 is held, then 14 (700k s); 10 (500k s) is not needed
    assert.deepEqual(reported.slice(1).map((r) => r.key), [scraped(11, 1), scraped(14, 1)]);
    assert.equal(second.purgedBytes, 25_000);
    for (const key of [generated(2), scraped(12, 1), scraped(13, 1), scraped(10, 1)]) await stat(join(root, key));
    for (const key of [generated(1), scraped(11, 1), scraped(14, 1)]) await assert.rejects(stat(join(root, key)), { code: 'ENOENT' });
    assert.deepEqual(published.map((p) => [p.key, p.bytes]), reported.map((r) => [r.key, catalog.rows.find((x) => x.key === r.key)!.bytes]));
  });

  it('removes the folders a purge leaves empty, and keeps folders that still hold parts', async () => {
    await add(scraped(20, 1), 30_000, 'scraped', 900_000);
    await add(scraped(20, 2), 30_000, 'scraped', 800_000);
    await add(scraped(21, 1), 35_000, 'scraped', 10);
    await sweeper().sweep('test');
    assert.deepEqual(reported.map((r) => r.key), [scraped(20, 1)]);
    const folder20 = join(root, scraped(20, 1), '..');
    assert.deepEqual((await readdir(folder20)).sort(), ['.sha256sums', 'image-002.jpg']);
    usage.usedBytes = 95_000;
    await sweeper().sweep('test');
    await assert.rejects(stat(folder20), { code: 'ENOENT' }, 'the article folder goes with its last part');
    await stat(join(root, scraped(21, 1)));
  });

  it('refuses a plan that would delete an unpublished file under generated/', async () => {
    await add(generated(3), 95_000, 'generated-unpublished', 999_999);
    const wrongPlan = sweeper({ plan: async () => ({ candidates: [{ key: generated(3), bytes: 95_000, reason: 'age' }] }) });
    const report = await wrongPlan.sweep('test');
    assert.equal(report.refused, 1);
    assert.equal(report.purgedFiles, 0);
    assert.match(report.outcome, /nothing this service may delete/);
    await stat(join(root, generated(3)));
    assert.deepEqual(reported, []);
  });

  it('reports a planned file that is already gone, so the catalog stops planning it', async () => {
    await add(scraped(30, 1), 95_000, 'scraped', 999_999);
    await store.remove(scraped(30, 1));
    const report = await sweeper().sweep('test');
    assert.deepEqual(reported.map((r) => r.key), [scraped(30, 1)]);
    assert.equal(report.purgedFiles, 1);
    assert.equal(published[0]!.bytes, 0);
  });

  it('stops with a clear outcome when nothing is evictable', async () => {
    await add(generated(4), 95_000, 'generated-unpublished', 999_999);
    const report = await sweeper().sweep('test');
    assert.match(report.outcome, /nothing evictable/);
    await stat(join(root, generated(4)));
  });

  it('coalesces triggers: one sweep at a time, one more after it', async () => {
    await add(scraped(40, 1), 95_000, 'scraped', 999_999);
    let plans = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const s = sweeper({
      plan: async (request) => {
        plans++;
        await gate;
        return catalog.plan(request);
      },
    });
    const first = s.trigger('a');
    const second = s.trigger('b');
    const third = s.trigger('c');
    assert.equal(first, second);
    assert.equal(second, third);
    assert.equal(s.sweeping, true);
    release();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(plans, 1, 'the follow-up sweep found usage below the watermark');
    assert.equal(s.lastSweep?.outcome.startsWith('below'), true);
  });
});
