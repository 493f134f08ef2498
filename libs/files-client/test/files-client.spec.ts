import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FilesAllocateV1, FilesEndpointV1, type RequestContract } from '#contracts';
import {
  FilesChecksumError,
  FilesClient,
  FilesConflictError,
  FilesInvalidKeyError,
  FilesNotFoundError,
  FilesRangeError,
  FilesUnavailableError,
  type RequestFn,
} from '#files-client';
import { allocateKey } from '../../../apps/files/src/storage/key-layout.js';
import { sha256, startHarness, type Harness } from '../../../apps/files/test/files-test.helpers.js';

/** A port nobody listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('FilesClient against the real file server (request function faked)', () => {
  let h: Harness;
  let client: FilesClient;
  let endpointCalls = 0;
  let endpoints: string[];
  let dir: string;

  before(async () => {
    h = await startHarness();
    dir = await mkdtemp(join(tmpdir(), 'files-client-'));
    endpoints = [h.url];
    const request = (async (contract: RequestContract<string, never, never>, payload: unknown) => {
      if (contract.subject === FilesEndpointV1.subject) {
        const url = endpoints[Math.min(endpointCalls, endpoints.length - 1)]!;
        endpointCalls++;
        return { baseUrl: url, apiVersion: 'v1' };
      }
      if (contract.subject === FilesAllocateV1.subject) return { key: allocateKey(FilesAllocateV1.request.parse(payload)) };
      throw new Error(`unexpected ${contract.subject}`);
    }) as unknown as RequestFn;
    client = new FilesClient({ request, expectContinueFromBytes: 1024 });
  });
  after(async () => {
    client.close();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('allocates, uploads a buffer and reads it back whole, by range and by suffix', async () => {
    const key = await client.allocate({ articleId: 500, role: 'image', ext: 'jpg', index: 1 });
    const data = randomBytes(50_000);
    const put = await client.put(key, data);
    assert.deepEqual(put, { key, created: true, bytes: data.length, sha256: sha256(data) });
    assert.deepEqual(await client.get(key), data);
    assert.deepEqual(await client.getRange(key, 100, 199), data.subarray(100, 200));
    assert.deepEqual(await client.getRange(key, 49_990), data.subarray(49_990));
    const tail = await client.open(key, { suffix: 7 });
    assert.equal(tail.totalBytes, data.length);
    assert.equal(tail.bytes, 7);
    const chunks: Buffer[] = [];
    for await (const c of tail.stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), data.subarray(-7));
  });

  it('re-uploads identical bytes as a no-op (200, no body sent after 100-continue) and refuses others', async () => {
    const key = await client.allocate({ articleId: 501, role: 'video', ext: 'mp4', index: 1 });
    const data = randomBytes(200_000);
    let received = 0;
    const server = (h.server as unknown as { server: import('node:http').Server }).server;
    const count = (socket: import('node:net').Socket): void => void socket.on('data', (d: Buffer) => (received += d.length));
    server.on('connection', count);
    // A fresh client, so its connections open after the counter is in place.
    const counted = new FilesClient({ request: (client as unknown as { options: { request: RequestFn } }).options.request });
    try {
      assert.equal((await counted.put(key, data)).created, true);
      assert.ok(received > data.length);
      received = 0;
      assert.equal((await counted.put(key, data)).created, false);
      await assert.rejects(counted.put(key, randomBytes(200_000)), FilesConflictError);
      assert.ok(received < 2000, `only headers crossed the wire (${received} bytes)`);
    } finally {
      server.off('connection', count);
      counted.close();
    }
  });

  it('streams an upload of unknown hash with the checksum in a trailer', async () => {
    const key = await client.allocate({ articleId: 502, role: 'video', ext: 'mp4', index: 1 });
    const data = randomBytes(300_000);
    const stream = Readable.from((function* () {
      for (let i = 0; i < data.length; i += 10_000) yield data.subarray(i, i + 10_000);
    })());
    const put = await client.putStream(key, stream);
    assert.equal(put.sha256, sha256(data));
    assert.deepEqual(await readFile(join(h.root, key)), data);
  });

  it('uploads a file from disk and downloads it atomically to another', async () => {
    const key = await client.allocate({ storyId: 9, role: 'generated', ext: 'mp4' });
    const source = join(dir, 'source.mp4');
    const data = randomBytes(123_457);
    await writeFile(source, data);
    assert.equal((await client.putFile(key, source)).created, true);
    const target = join(dir, 'copy.mp4');
    const got = await client.download(key, target);
    assert.equal(got.sha256, sha256(data));
    assert.deepEqual(await readFile(target), data);
    assert.deepEqual((await readdir(dir)).sort(), ['copy.mp4', 'source.mp4'], 'no temp file left');
  });

  it('stats with HEAD: size and checksum, or null', async () => {
    const key = await client.allocate({ articleId: 503, role: 'text', ext: 'txt' });
    await client.put(key, 'hello');
    const stat = await client.stat(key);
    assert.equal(stat?.bytes, 5);
    assert.equal(stat?.sha256, sha256('hello'));
    assert.equal(stat?.contentType, 'text/plain; charset=utf-8');
    assert.equal(await client.stat(await client.allocate({ articleId: 504, role: 'text', ext: 'txt' })), null);
  });

  it('maps answers to typed errors', async () => {
    await assert.rejects(client.get(await client.allocate({ articleId: 505, role: 'text', ext: 'txt' })), FilesNotFoundError);
    await assert.rejects(client.get('articles/../../etc/passwd'), FilesInvalidKeyError);
    const key = await client.allocate({ articleId: 506, role: 'text', ext: 'txt' });
    await client.put(key, 'short');
    await assert.rejects(client.getRange(key, 100), FilesRangeError);
    await assert.rejects(client.putStream(await client.allocate({ articleId: 507, role: 'text', ext: 'txt' }), Readable.from([Buffer.from('x')]), { sha256: sha256('y') }), FilesChecksumError);
  });

  it('asks for the endpoint again after a connection error and retries once', async () => {
    const fresh = new FilesClient({ request: (client as unknown as { options: { request: RequestFn } }).options.request });
    endpointCalls = 0;
    endpoints = [`http://127.0.0.1:${await deadPort()}`, h.url];
    const key = await fresh.allocate({ articleId: 508, role: 'text', ext: 'txt' });
    const put = await fresh.put(key, 'after a move');
    assert.equal(put.created, true);
    assert.equal(endpointCalls, 2);
    // A cached endpoint is reused while it works.
    await fresh.get(key);
    assert.equal(endpointCalls, 2);
    endpoints = [`http://127.0.0.1:${await deadPort()}`];
    endpointCalls = 0;
    const lost = new FilesClient({ request: (client as unknown as { options: { request: RequestFn } }).options.request });
    await assert.rejects(lost.get(key), (error: unknown) => error instanceof FilesUnavailableError && error.retryable && /cannot reach/.test(error.message));
    fresh.close();
    lost.close();
  });
});
