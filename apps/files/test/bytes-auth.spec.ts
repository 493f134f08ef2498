import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesAllocateV1, FilesEndpointV1, type FilesAllocateRequestV1 } from '#contracts';
import { FilesClient, FilesRequestError, FilesTooLargeError, signFilesToken, signUploadGrant } from '#files-client';
import { startTestApp, waitFor } from '#testing';
import { FilesModule } from '../src/files.module.js';
import { articleKey, http, put, sha256, tempFiles } from './files-test.helpers.js';

const SECRET = 'test-secret-'.padEnd(40, 'x');
const OWNER = { ownerCreatedAt: '2026-11-26T10:00:00Z' };

describe('files bytes API: tokens, writes only into allocated keys, per-allocation size, slow bodies', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let root: string;
  let baseUrl: string;
  let token: string;

  const allocate = (request: FilesAllocateRequestV1) => app.requests.request(FilesAllocateV1, request);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-auth-'));
    app = await startTestApp(FilesModule, {
      app: 'files',
      env: {
        FILES_ROOT: root,
        FILES_REGISTRY: 'off',
        FILES_TOKEN: SECRET,
        FILES_BODY_TIMEOUT_MS: '500',
        FILES_MIN_BODY_BYTES_PER_S: '2048',
        FILES_MAX_TEXT_BYTES: '4096',
      },
    });
    const endpoint = await app.requests.request(FilesEndpointV1, {});
    baseUrl = endpoint.baseUrl;
    token = endpoint.token!;
    assert.ok(token && Date.parse(endpoint.tokenExpiresAt!) > Date.now() + 60_000, 'files.endpoint.v1 hands out a token');
  });
  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses GET, HEAD and PUT without a valid token, and the health check stays open', async () => {
    const key = articleKey(501);
    const forged = `v1.${Date.now() + 60_000}.${'0'.repeat(64)}`;
    const forgedGrant = `put1.${Date.now() + 60_000}.100.${'0'.repeat(64)}`;
    const expired = signFilesToken(SECRET, 1000, Date.now() - 10_000).token;
    for (const auth of [undefined, 'Bearer nope', `Bearer ${forged}`, `Bearer ${expired}`, `Basic ${SECRET}`]) {
      const headers: Record<string, string> = auth ? { authorization: auth } : {};
      assert.equal((await put(baseUrl, key, 'hello', headers)).status, 401, `PUT with ${auth}`);
      assert.equal((await http(baseUrl, 'GET', `/v1/files/${key}`, { headers })).status, 401, `GET with ${auth}`);
      assert.equal((await http(baseUrl, 'HEAD', `/v1/files/${key}`, { headers })).status, 401, `HEAD with ${auth}`);
    }
    // A grant signed for nothing valid cannot be told from another key's grant: refused as not allocated.
    assert.equal((await put(baseUrl, key, 'hello', { authorization: `Bearer ${forgedGrant}` })).status, 403);
    assert.equal((await http(baseUrl, 'GET', `/v1/files/${key}`, { headers: { authorization: `Bearer ${forgedGrant}` } })).status, 401);
    assert.equal((await http(baseUrl, 'GET', '/v1/health')).status, 200);
    assert.equal((await http(baseUrl, 'GET', `/v1/files/${key}`, { headers: { authorization: `Bearer ${token}` } })).status, 404, 'nothing stored');
  });

  it('takes a PUT only with the upload grant of that very key: read tokens, the secret and other keys grants are refused', async () => {
    const allocated = await allocate({ articleId: 502, role: 'image', ext: 'jpg', index: 1, ...OWNER });
    assert.ok(allocated.uploadToken && allocated.maxBytes === 64 * 1024 ** 2, 'the allocation carries a grant and the role ceiling');
    const other = await allocate({ articleId: 503, role: 'image', ext: 'jpg', index: 1, ...OWNER });
    const unallocated = articleKey(9_999);
    for (const [auth, what] of [
      [token, 'the read token'],
      [SECRET, 'the service secret'],
      [other.uploadToken!, "another key's grant"],
    ] as const) {
      const refused = await put(baseUrl, allocated.key, 'not yours', { authorization: `Bearer ${auth}` });
      assert.equal(refused.status, 403, `PUT with ${what}`);
      assert.equal(JSON.parse(refused.body.toString()).error.code, 'not-allocated');
      assert.equal((await put(baseUrl, unallocated, 'nobody allocated this', { authorization: `Bearer ${auth}` })).status, 403);
    }
    const expiredGrant = signUploadGrant(SECRET, allocated.key, 100, 1000, Date.now() - 10_000).token;
    assert.equal((await put(baseUrl, allocated.key, 'late', { authorization: `Bearer ${expiredGrant}` })).status, 401, 'an expired grant');
    await assert.rejects(stat(join(root, allocated.key)), { code: 'ENOENT' }, 'no refused PUT left a file');
    await assert.rejects(stat(join(root, unallocated)), { code: 'ENOENT' });

    const created = await put(baseUrl, allocated.key, 'allocated', { authorization: `Bearer ${allocated.uploadToken}` });
    assert.equal(created.status, 201);
    const read = await http(baseUrl, 'GET', `/v1/files/${allocated.key}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(read.body.toString(), 'allocated');
    assert.equal((await http(baseUrl, 'GET', `/v1/files/${allocated.key}`, { headers: { authorization: `Bearer ${allocated.uploadToken}` } })).status, 401, 'a grant does not read');
  });

  it('limits each upload to its allocation: refused up front by Content-Length, cut mid-stream without one', async () => {
    const text = await allocate({ articleId: 504, role: 'text', ext: 'txt', ...OWNER });
    assert.equal(text.maxBytes, 4096, 'the role ceiling (FILES_MAX_TEXT_BYTES)');
    const small = await allocate({ articleId: 505, role: 'image', ext: 'jpg', index: 1, maxBytes: 1000, ...OWNER });
    assert.equal(small.maxBytes, 1000, 'what the caller asked, below the ceiling');
    const capped = await allocate({ articleId: 506, role: 'text', ext: 'txt', maxBytes: 10 ** 9, ...OWNER });
    assert.equal(capped.maxBytes, 4096, 'a request above the ceiling gets the ceiling');

    const declared = await put(baseUrl, small.key, randomBytes(1001), { authorization: `Bearer ${small.uploadToken}` });
    assert.equal(declared.status, 413);
    assert.match(JSON.parse(declared.body.toString()).error.message, /1000 bytes \(the allocation of this key\)/);

    // Chunked, checksum in a trailer: the server only learns the size while reading.
    const body = randomBytes(64 * 1024);
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(baseUrl);
      const req = httpRequest(
        { host: hostname, port, method: 'PUT', path: `/v1/files/${text.key}`, agent: false, headers: { authorization: `Bearer ${text.uploadToken}`, trailer: 'X-Content-SHA256' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < body.length) {
          const chunk = body.subarray(sent, sent + 1024);
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.addTrailers({ 'X-Content-SHA256': sha256(body) });
        req.end();
      };
      pump();
    }).catch((error: NodeJS.ErrnoException) => ({ status: -1, body: error.code ?? error.message }));
    // Either the 413 arrives, or the server cut the socket while the client was still sending.
    assert.ok(streamed.status === 413 || streamed.body === 'ECONNRESET' || streamed.body === 'EPIPE', `refused mid-stream: ${streamed.status} ${streamed.body}`);
    await assert.rejects(stat(join(root, text.key)), { code: 'ENOENT' });
    await waitFor('the temp file to go', async () => (await tempFiles(root)).length === 0, 3000, 20);

    assert.equal((await put(baseUrl, text.key, 'x'.repeat(4096), { authorization: `Bearer ${text.uploadToken}` })).status, 201, 'exactly the limit fits');
  });

  it('the client uploads with the grant of its own allocation, renews it, and says clearly when it has none', async () => {
    const client = new FilesClient({ request: (contract, payload, options) => app.requests.request(contract, payload, options) });
    const stranger = new FilesClient({ request: (contract, payload, options) => app.requests.request(contract, payload, options) });
    try {
      const key = await client.allocate({ articleId: 507, role: 'text', ext: 'txt', ...OWNER });
      await client.put(key, 'via the client');
      assert.equal((await client.get(key)).toString(), 'via the client');
      // An expired grant is renewed by allocating again (same request, same key).
      const grants = (client as unknown as { grants: Map<string, { token: string; expiresAt: number }> }).grants;
      grants.get(key)!.token = signUploadGrant(SECRET, key, 4096, 1000, Date.now() - 10_000).token;
      grants.get(key)!.expiresAt = Date.now() + 3_600_000;
      assert.equal((await client.put(key, 'via the client')).created, false, 'renewed after a 401, identical re-upload');
      await assert.rejects(client.put(key, 'y'.repeat(5000)), FilesTooLargeError);
      await assert.rejects(stranger.put(key, 'not allocated by this client'), (error: unknown) => error instanceof FilesRequestError && error.code === 'not-allocated');
      assert.equal((await stranger.get(key)).toString(), 'via the client', 'reading needs no allocation');
    } finally {
      client.close();
      stranger.close();
    }
    const pinned = new FilesClient({ request: (async () => ({})) as never, baseUrl, token: SECRET });
    try {
      assert.equal((await pinned.stat(articleKey(9_998))), null, 'a tool with the secret reads');
    } finally {
      pinned.close();
    }
  });

  it('cuts an upload whose declared body never arrives after FILES_BODY_TIMEOUT_MS, not 60 s', async () => {
    const { key, uploadToken } = await allocate({ articleId: 508, role: 'image', ext: 'jpg', index: 1, ...OWNER });
    const { hostname, port } = new URL(baseUrl);
    const socket = connect(Number(port), hostname);
    const started = Date.now();
    socket.write(
      `PUT /v1/files/${key} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${uploadToken}\r\nContent-Length: 1000\r\n` +
        `X-Content-SHA256: ${'a'.repeat(64)}\r\n\r\n`,
    );
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 3, `socket closed after ${seconds} s`);
  });

  it('cuts a body that trickles below FILES_MIN_BODY_BYTES_PER_S though bytes keep coming (no idle timeout fires)', async () => {
    const { key, uploadToken } = await allocate({ articleId: 509, role: 'image', ext: 'jpg', index: 1, ...OWNER });
    const { hostname, port } = new URL(baseUrl);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const answer: Buffer[] = [];
    socket.on('data', (d: Buffer) => answer.push(d));
    socket.write(`PUT /v1/files/${key} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${uploadToken}\r\nContent-Length: 100000\r\nX-Content-SHA256: ${'a'.repeat(64)}\r\n\r\n`);
    const started = Date.now();
    // 10 bytes every 100 ms: 100 bytes/s, far under 2048; never silent for the 500 ms body timeout.
    const trickle = setInterval(() => socket.write(Buffer.alloc(10, 0x61)), 100);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(trickle);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds >= 0.4 && seconds < 3, `cut after ${seconds} s`);
    await waitFor('the temp file to go', async () => (await tempFiles(root)).length === 0, 3000, 20);
    await assert.rejects(stat(join(root, key)), { code: 'ENOENT' });
    const text = Buffer.concat(answer).toString();
    assert.ok(text === '' || /408|slow-body/.test(text), `answered: ${text.slice(0, 200)}`);
  });
});
