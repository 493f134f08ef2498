import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '#testing';
import { articleKey, sha256, startHarness, tempFiles, type Harness } from './files-test.helpers.js';

describe('slow and stalled clients', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ idleTimeoutMs: 400 });
  });
  after(() => h.close());

  it('cuts an upload that stalls mid-body and leaves no file and no temp', async () => {
    const key = articleKey(400);
    const body = randomBytes(100_000);
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.once('close', () => resolve(Date.now() - started));
    });
    socket.on('error', () => undefined);
    socket.write(`PUT /v1/files/${key} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nX-Content-SHA256: ${sha256(body)}\r\n\r\n`);
    socket.write(body.subarray(0, 30_000));
    const after = await closed;
    assert.ok(after >= 300 && after < 5000, `closed by the server after ${after} ms of silence`);
    await waitFor('the temp file to go', async () => (await tempFiles(h.root)).length === 0, 3000, 20);
    await assert.rejects(stat(join(h.root, key)), { code: 'ENOENT' });
  });

  it('cuts a client that never finishes its headers', async () => {
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /v1/health HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    await new Promise((resolve) => socket.once('close', resolve));
    assert.ok(Date.now() - started < 6000);
  });
});
