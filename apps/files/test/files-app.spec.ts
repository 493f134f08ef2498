import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesAllocateV1, FilesEndpointV1, FilesStatV1, FilesUsageV1 } from '#contracts';
import { FilesClient } from '#files-client';
import { RemoteError } from '#messaging';
import { startTestApp } from '#testing';
import { FilesModule } from '../src/files.module.js';
import { sha256 } from './files-test.helpers.js';

describe('files app over NATS (no catalog: FILES_REGISTRY=off)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let root: string;
  let client: FilesClient;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-app-'));
    app = await startTestApp(FilesModule, { app: 'files', env: { FILES_ROOT: root, FILES_REGISTRY: 'off' } });
    client = new FilesClient({ request: (contract, payload, options) => app.requests.request(contract, payload, options) });
  });
  after(async () => {
    client.close();
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('tells where its bytes API listens', async () => {
    const endpoint = await app.requests.request(FilesEndpointV1, {});
    assert.match(endpoint.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(endpoint.apiVersion, 'v1');
  });

  it('allocates keys and refuses impossible allocations with a clear code', async () => {
    const { key } = await app.requests.request(FilesAllocateV1, { articleId: 77, role: 'text', ext: 'txt', ownerCreatedAt: '2026-11-26T12:00:00Z' });
    assert.match(key, /^articles\/2026\/11\/26\/[0-9a-f]{2}\/77\/text\.txt$/);
    await assert.rejects(app.requests.request(FilesAllocateV1, { articleId: 77, role: 'generated', ext: 'mp4' }), (error: unknown) => error instanceof RemoteError && error.code === 'invalid-key');
    await assert.rejects(app.requests.request(FilesAllocateV1, { articleId: 77, storyId: 1, role: 'text', ext: 'txt' }));
  });

  it('moves bytes with the client, and answers stat and usage over NATS', async () => {
    const key = await client.allocate({ articleId: 78, role: 'image', ext: 'png', index: 3 });
    const data = Buffer.from('not really a png');
    await client.put(key, data);
    assert.deepEqual(await readFile(join(root, key)), data);
    const stat = await app.requests.request(FilesStatV1, { key });
    assert.equal(stat.exists, true);
    assert.equal(stat.bytes, data.length);
    assert.equal(stat.sha256, sha256(data));
    const missing = await app.requests.request(FilesStatV1, { key: key.replace('image-003', 'image-004') });
    assert.equal(missing.exists, false);
    await assert.rejects(app.requests.request(FilesStatV1, { key: '../../etc/passwd' }), (error: unknown) => error instanceof RemoteError && error.code === 'invalid-key');
    const usage = await app.requests.request(FilesUsageV1, {});
    assert.ok(usage.capacityBytes > 0 && usage.usedBytes > 0 && usage.availableBytes > 0);
    assert.equal(usage.highWatermark, 0.9);
    assert.equal(usage.lowWatermark, 0.8);
  });
});
