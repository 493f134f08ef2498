import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '#testing';
import { articleKey, http, listFiles, put, sha256, startHarness, tempFiles, type Harness } from './files-test.helpers.js';

describe('PUT /v1/files/<key>', () => {
  let h: Harness;
  const registered: string[] = [];
  before(async () => {
    h = await startHarness({ maxUploadBytes: 1024 * 1024, hooks: { afterWrite: async (r) => void registered.push(r.key) } });
  });
  after(() => h.close());

  it('stores the bytes under the key (201) and answers an identical re-upload with 200', async () => {
    const key = articleKey(1);
    const body = randomBytes(10_000);
    const first = await put(h.url, key, body);
    assert.equal(first.status, 201, first.body.toString());
    assert.deepEqual(JSON.parse(first.body.toString()), { key, created: true, bytes: body.length, sha256: sha256(body) });
    assert.deepEqual(await readFile(join(h.root, key)), body);
    const again = await put(h.url, key, body);
    assert.equal(again.status, 200);
    assert.equal(JSON.parse(again.body.toString()).created, false);
    assert.deepEqual(registered.filter((k) => k === key).length, 2, 'both answers register (idempotent in the catalog)');
  });

  it('refuses other bytes under an existing key (409) and keeps the first', async () => {
    const key = articleKey(2);
    const body = Buffer.from('first');
    assert.equal((await put(h.url, key, body)).status, 201);
    const other = await put(h.url, key, 'second');
    assert.equal(other.status, 409);
    assert.equal(JSON.parse(other.body.toString()).error.code, 'key-conflict');
    assert.deepEqual(await readFile(join(h.root, key)), body);
  });

  it('refuses a body whose SHA-256 differs from the declared one (400) and stores nothing', async () => {
    const key = articleKey(3);
    const res = await put(h.url, key, 'payload', { 'x-content-sha256': sha256('other payload') });
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body.toString()).error.code, 'checksum-mismatch');
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
    assert.deepEqual(await tempFiles(h.root), []);
  });

  it('requires a well-formed X-Content-SHA256', async () => {
    const key = articleKey(4);
    const missing = await http(h.url, 'PUT', `/v1/files/${key}`, { body: 'x', headers: { 'content-length': 1 } });
    assert.equal(missing.status, 400);
    assert.equal(JSON.parse(missing.body.toString()).error.code, 'checksum-required');
    const bad = await put(h.url, key, 'x', { 'x-content-sha256': 'abc' });
    assert.equal(bad.status, 400);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
  });

  it('refuses bodies over the limit, by Content-Length (413 before reading) and while streaming', async () => {
    const key = articleKey(5);
    const big = Buffer.alloc(1024 * 1024 + 1);
    const declared = await put(h.url, key, big);
    assert.equal(declared.status, 413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(`/v1/files/${key}`, h.url), { method: 'PUT', headers: { 'x-content-sha256': sha256(big) }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(big.subarray(0, 600_000));
      req.end(big.subarray(600_000));
    });
    assert.equal(chunked, 413);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
    assert.deepEqual(await tempFiles(h.root), []);
  });

  it('accepts the checksum as an HTTP trailer (streamed upload of unknown hash)', async () => {
    const key = articleKey(6);
    const body = randomBytes(300_000);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(`/v1/files/${key}`, h.url), { method: 'PUT', headers: { trailer: 'X-Content-SHA256' }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.subarray(0, 100_000));
      req.write(body.subarray(100_000));
      req.addTrailers({ 'X-Content-SHA256': sha256(body) });
      req.end();
    });
    assert.equal(status, 201);
    assert.deepEqual(await readFile(join(h.root, key)), body);
  });

  it('refuses a trailer checksum that does not match, leaving no file', async () => {
    const key = articleKey(7);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(`/v1/files/${key}`, h.url), { method: 'PUT', headers: { trailer: 'X-Content-SHA256' }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('some bytes');
      req.addTrailers({ 'X-Content-SHA256': sha256('other bytes') });
      req.end();
    });
    assert.equal(status, 400);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
  });

  it('leaves no file and no temp file when the client disconnects mid-body', async () => {
    const key = articleKey(8);
    const body = randomBytes(512 * 1024);
    const port = Number(new URL(h.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `PUT /v1/files/${key} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nX-Content-SHA256: ${sha256(body)}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 200_000));
    // Wait until the server has opened its temp file and taken part of the body.
    await waitFor('the upload to start', async () => (await tempFiles(h.root)).length === 1, 5000, 10);
    socket.destroy();
    await waitFor('the temp file to go', async () => (await tempFiles(h.root)).length === 0, 5000, 20);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
    // The same key still takes a complete upload afterwards.
    assert.equal((await put(h.url, key, body)).status, 201);
  });

  it('settles concurrent identical uploads of one key: one 201, the rest 200, one intact file', async () => {
    const key = articleKey(9);
    const body = randomBytes(200_000);
    const answers = await Promise.all(Array.from({ length: 12 }, () => put(h.url, key, body)));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    assert.deepEqual(await readFile(join(h.root, key)), body);
    assert.deepEqual(await tempFiles(h.root), []);
  });

  it('lets exactly one of concurrent different uploads of one key win; the others get 409', async () => {
    const key = articleKey(10);
    const bodies = Array.from({ length: 6 }, () => randomBytes(100_000));
    const answers = await Promise.all(bodies.map((b) => put(h.url, key, b)));
    const winners = answers.filter((a) => a.status === 201);
    assert.equal(winners.length, 1);
    assert.equal(answers.filter((a) => a.status === 409).length, 5);
    const winner = JSON.parse(winners[0]!.body.toString()).sha256;
    assert.equal(sha256(await readFile(join(h.root, key))), winner);
  });

  it('does not expose DELETE or other methods', async () => {
    const res = await http(h.url, 'DELETE', `/v1/files/${articleKey(1)}`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, HEAD, PUT');
    await stat(join(h.root, articleKey(1)));
  });

  it('keeps only complete files and ledgers in the tree', async () => {
    const files = await listFiles(h.root);
    assert.ok(files.every((f) => f.startsWith('articles/')), files.join('\n'));
    assert.ok(files.every((f) => /\/(image-\d{3}\.jpg|\.sha256sums)$/.test(f)), files.join('\n'));
  });
});
