import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LEDGER_NAME } from '../src/storage/checksum-ledger.js';
import { articleKey, http, put, sha256, startHarness, type Harness } from './files-test.helpers.js';

describe('GET and HEAD /v1/files/<key>', () => {
  let h: Harness;
  const body = randomBytes(100_003);
  const key = articleKey(100);
  before(async () => {
    h = await startHarness();
    assert.equal((await put(h.url, key, body)).status, 201);
  });
  after(() => h.close());

  it('serves the whole file with its checksum', async () => {
    const res = await http(h.url, 'GET', `/v1/files/${key}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, body);
    assert.equal(res.headers['content-length'], String(body.length));
    assert.equal(res.headers['x-content-sha256'], sha256(body));
    assert.equal(res.headers.etag, `"${sha256(body)}"`);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    assert.equal(res.headers['accept-ranges'], 'bytes');
  });

  const ranges: Array<[string, number, number]> = [
    ['bytes=0-0', 0, 0],
    ['bytes=0-99', 0, 99],
    ['bytes=1000-1999', 1000, 1999],
    ['bytes=65535-65537', 65535, 65537],
    ['bytes=99990-', 99990, 100_002],
    ['bytes=-10', 100_003 - 10, 100_002],
    ['bytes=-200000', 0, 100_002],
    ['bytes=100000-999999', 100_000, 100_002],
  ];
  for (const [header, start, end] of ranges) {
    it(`serves ${header} byte-exact (206)`, async () => {
      const res = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { range: header } });
      assert.equal(res.status, 206);
      assert.deepEqual(res.body, body.subarray(start, end + 1));
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${body.length}`);
      assert.equal(res.headers['content-length'], String(end - start + 1));
    });
  }

  for (const header of ['bytes=100003-', 'bytes=200000-300000', 'bytes=-0']) {
    it(`answers ${header} with 416 and the size`, async () => {
      const res = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { range: header } });
      assert.equal(res.status, 416);
      assert.equal(res.headers['content-range'], `bytes */${body.length}`);
      assert.equal(JSON.parse(res.body.toString()).error.code, 'range-not-satisfiable');
    });
  }

  it('ignores what RFC 9110 says to ignore (several ranges, other units, reversed) and sends 200', async () => {
    for (const header of ['bytes=0-1,5-6', 'items=0-1', 'bytes=10-5']) {
      const res = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { range: header } });
      assert.equal(res.status, 200, header);
      assert.equal(res.body.length, body.length);
    }
  });

  it('ignores the range when If-Range names another version', async () => {
    const stale = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { range: 'bytes=0-9', 'if-range': '"0000"' } });
    assert.equal(stale.status, 200);
    const fresh = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { range: 'bytes=0-9', 'if-range': `"${sha256(body)}"` } });
    assert.equal(fresh.status, 206);
  });

  it('answers HEAD with size and checksum and no body', async () => {
    const res = await http(h.url, 'HEAD', `/v1/files/${key}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers['content-length'], String(body.length));
    assert.equal(res.headers['x-content-sha256'], sha256(body));
  });

  it('answers a matching If-None-Match with 304', async () => {
    const res = await http(h.url, 'GET', `/v1/files/${key}`, { headers: { 'if-none-match': `"${sha256(body)}"` } });
    assert.equal(res.status, 304);
    assert.equal(res.body.length, 0);
  });

  it('recomputes a lost checksum line on HEAD (crash, restore) and records it again', async () => {
    const other = articleKey(101);
    const data = randomBytes(5000);
    assert.equal((await put(h.url, other, data)).status, 201);
    await unlink(join(h.root, dirname(other), LEDGER_NAME));
    const get = await http(h.url, 'GET', `/v1/files/${other}`);
    assert.equal(get.status, 200);
    assert.equal(get.headers['x-content-sha256'], undefined, 'GET does not hash a whole file to fill a header');
    const head = await http(h.url, 'HEAD', `/v1/files/${other}`);
    assert.equal(head.headers['x-content-sha256'], sha256(data));
    const again = await http(h.url, 'GET', `/v1/files/${other}`);
    assert.equal(again.headers['x-content-sha256'], sha256(data));
  });

  it('answers 404 for a missing file and 400 for a bad key', async () => {
    const missing = await http(h.url, 'GET', `/v1/files/${articleKey(999)}`);
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body.toString()).error.code, 'not-found');
    const bad = await http(h.url, 'GET', '/v1/files/articles/../../etc/passwd');
    assert.equal(bad.status, 400);
    const encoded = await http(h.url, 'GET', '/v1/files/%2e%2e/%2e%2e/etc/passwd');
    assert.equal(encoded.status, 400);
    const noRoute = await http(h.url, 'GET', '/etc/passwd');
    assert.equal(noRoute.status, 404);
  });

  it('keeps serving an open download when the file is purged meanwhile', async () => {
    const big = articleKey(102);
    const data = randomBytes(4 * 1024 * 1024);
    assert.equal((await put(h.url, big, data)).status, 201);
    const pending = http(h.url, 'GET', `/v1/files/${big}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h.store.remove(big);
    const res = await pending;
    assert.equal(res.status === 404 || sha256(res.body) === sha256(data), true, 'either not found yet, or complete');
  });
});
