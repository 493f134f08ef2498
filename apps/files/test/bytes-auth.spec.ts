import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesEndpointV1 } from '#contracts';
import { FilesClient, signFilesToken } from '#files-client';
import { startTestApp } from '#testing';
import { FilesModule } from '../src/files.module.js';
import { articleKey, http, put } from './files-test.helpers.js';

const SECRET = 'test-secret-'.padEnd(40, 'x');

describe('files bytes API: a token on every method, short patience for a body that never comes', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let root: string;
  let baseUrl: string;
  let token: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-auth-'));
    app = await startTestApp(FilesModule, { app: 'files', env: { FILES_ROOT: root, FILES_REGISTRY: 'off', FILES_TOKEN: SECRET, FILES_BODY_TIMEOUT_MS: '500' } });
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
    const expired = signFilesToken(SECRET, 1000, Date.now() - 10_000).token;
    for (const auth of [undefined, 'Bearer nope', `Bearer ${forged}`, `Bearer ${expired}`, `Basic ${SECRET}`]) {
      const headers: Record<string, string> = auth ? { authorization: auth } : {};
      assert.equal((await put(baseUrl, key, 'hello', headers)).status, 401, `PUT with ${auth}`);
      assert.equal((await http(baseUrl, 'GET', `/v1/files/${key}`, { headers })).status, 401, `GET with ${auth}`);
      assert.equal((await http(baseUrl, 'HEAD', `/v1/files/${key}`, { headers })).status, 401, `HEAD with ${auth}`);
    }
    assert.equal((await http(baseUrl, 'GET', '/v1/health')).status, 200);
    assert.equal((await http(baseUrl, 'GET', `/v1/files/${key}`, { headers: { authorization: `Bearer ${token}` } })).status, 404, 'nothing stored');
  });

  it('accepts the signed token and the service secret; the client gets its token over NATS', async () => {
    const key = articleKey(502);
    assert.equal((await put(baseUrl, key, 'signed', { authorization: `Bearer ${token}` })).status, 201);
    const read = await http(baseUrl, 'GET', `/v1/files/${key}`, { headers: { authorization: `Bearer ${SECRET}` } });
    assert.equal(read.body.toString(), 'signed');
    const client = new FilesClient({ request: (contract, payload, options) => app.requests.request(contract, payload, options) });
    try {
      await client.put(articleKey(503), 'via the client');
      assert.equal((await client.get(articleKey(503))).toString(), 'via the client');
    } finally {
      client.close();
    }
    const pinned = new FilesClient({ request: (async () => ({})) as never, baseUrl, token: SECRET });
    try {
      assert.equal((await pinned.get(key)).toString(), 'signed');
    } finally {
      pinned.close();
    }
  });

  it('cuts an upload whose declared body never arrives after FILES_BODY_TIMEOUT_MS, not 60 s', async () => {
    const { hostname, port } = new URL(baseUrl);
    const socket = connect(Number(port), hostname);
    const started = Date.now();
    socket.write(
      `PUT /v1/files/${articleKey(504)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1000\r\n` +
        `X-Content-SHA256: ${'a'.repeat(64)}\r\n\r\n`,
    );
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 3, `socket closed after ${seconds} s`);
  });
});
