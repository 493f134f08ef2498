import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VolumeMeter } from '../src/retention/volume.meter.js';
import { FileStore } from '../src/storage/file-store.js';
import { articleKey, listFiles, put, sha256, startHarness, tempFiles, type Harness } from './files-test.helpers.js';

/** Streams `body` chunked with the checksum as a trailer: no Content-Length, so no pre-check. */
function putChunked(url: string, key: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/v1/files/${key}`, url), { method: 'PUT', headers: { trailer: 'X-Content-SHA256' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.addTrailers({ 'X-Content-SHA256': sha256(body) });
    req.end();
  });
}

describe('a full disk (real 1 MiB tmpfs)', () => {
  let mountPoint: string;
  let mounted = false;
  let h: Harness | undefined;
  let fullSignals = 0;

  before(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'files-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      mounted = true;
    } catch {
      return;
    }
    const meter = new VolumeMeter(mountPoint, 50e12);
    h = await startHarness({
      root: mountPoint,
      hooks: {
        hasRoomFor: async (bytes) => (await meter.measure()).availableBytes >= bytes,
        onStorageFull: () => void fullSignals++,
      },
    });
    h.store.onStorageFull(() => void fullSignals++);
  });
  after(async () => {
    await h?.close();
    if (mounted) execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('answers 507 before reading a body that cannot fit (Content-Length)', async (t) => {
    if (!h) return t.skip('mount -t tmpfs is not permitted here; the injected ENOSPC test below still runs');
    const before = fullSignals;
    const res = await put(h.url, articleKey(300), randomBytes(2 * 1024 * 1024));
    assert.equal(res.status, 507);
    assert.equal(JSON.parse(res.body.toString()).error.code, 'storage-full');
    assert.equal(fullSignals, before + 1, 'a sweep was asked for');
    assert.deepEqual(await listFiles(h.root), []);
  });

  it('answers 507 when the disk fills mid-stream, removes the partial temp file and asks for a sweep', async (t) => {
    if (!h) return t.skip('mount -t tmpfs is not permitted here');
    const before = fullSignals;
    const res = await putChunked(h.url, articleKey(301), randomBytes(2 * 1024 * 1024));
    assert.equal(res.status, 507, res.body);
    assert.match(JSON.parse(res.body).error.message, /full.*retry later/);
    assert.ok(fullSignals > before);
    assert.deepEqual(await tempFiles(h.root), []);
    await assert.rejects(stat(join(h.root, articleKey(301))), { code: 'ENOENT' });
  });

  it('takes a file that fits once the failed one is gone', async (t) => {
    if (!h) return t.skip('mount -t tmpfs is not permitted here');
    const small = randomBytes(200 * 1024);
    const res = await put(h.url, articleKey(302), small);
    assert.equal(res.status, 201, res.body.toString());
  });
});

class FailingStore extends FileStore {
  written = 0;
  failAfterBytes = Number.POSITIVE_INFINITY;
  protected override async writeChunk(handle: FileHandle, chunk: Buffer): Promise<void> {
    if (this.written + chunk.length > this.failAfterBytes) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    this.written += chunk.length;
    await super.writeChunk(handle, chunk);
  }
}

describe('a full disk (injected ENOSPC on write)', () => {
  let h: Harness;
  let store: FailingStore;
  let fullSignals = 0;
  before(async () => {
    h = await startHarness({
      store: async (root) => {
        store = (await FailingStore.open({ root, maxUploadBytes: 64 * 1024 * 1024 })) as FailingStore;
        return store;
      },
    });
    h.store.onStorageFull(() => void fullSignals++);
  });
  after(() => h.close());

  it('gives the writer 507, keeps no partial file and no temp, and signals retention', async () => {
    store.failAfterBytes = 100_000;
    const key = articleKey(310);
    const res = await put(h.url, key, randomBytes(1024 * 1024));
    assert.equal(res.status, 507);
    assert.equal(fullSignals, 1);
    assert.deepEqual(await tempFiles(h.root), []);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
    store.failAfterBytes = Number.POSITIVE_INFINITY;
    assert.equal((await put(h.url, key, randomBytes(1000))).status, 201);
  });
});
