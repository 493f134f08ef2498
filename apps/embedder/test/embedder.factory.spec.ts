import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderScene } from './synthetic-images.fixture.js';
import { createEmbedders, dot } from '../src/embedding/index.js';
import { FakeEmbeddingServer } from './fake-embedding.server.js';

describe('createEmbedders: the configuration picks the backend', () => {
  let server: FakeEmbeddingServer;
  let url: string;

  before(async () => {
    server = new FakeEmbeddingServer({ dim: 12 });
    url = await server.start();
  });

  after(async () => {
    await server.close();
  });

  it('builds the stand-ins, which say what they are', async () => {
    const { text, image, video } = await createEmbedders({ backend: 'standin' });
    assert.deepEqual([text.modelId, text.dim, text.standIn], ['standin-hash-ngram-v1', 512, true]);
    assert.deepEqual([image.modelId, image.standIn], ['standin-image-features-v1', true]);
    assert.ok(video);
    const [vector] = await text.embedTexts(['기준금리 동결']);
    assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-5);
  });

  it('builds the http backend and asks the server for the vector length once', async () => {
    const before = server.requests.length;
    // A generous timeout: under qemu (the arm64 run) a 2 s probe timed out once and was retried.
    const { text, image } = await createEmbedders({ backend: 'http', url, model: server.model, batchSize: 4, timeoutMs: 15_000 });
    assert.equal(server.requests.length, before + 1, 'one probe request');
    assert.deepEqual([text.modelId, text.dim, text.standIn], [server.model, 12, false]);
    assert.deepEqual([image.modelId, image.dim, image.standIn], [server.model, 12, false]);
    const vectors = await text.embedTexts(['a', 'b', 'c', 'd', 'e']);
    assert.equal(vectors.length, 5);
    assert.equal(server.requests.length, before + 3, 'five texts in batches of four');
  });

  it('skips the probe when dimensions are configured, and mixes a text server with stand-in images', async () => {
    const before = server.requests.length;
    const { text, image } = await createEmbedders({ backend: 'http', url, model: server.model, dimensions: 12, imageBackend: 'standin' });
    assert.equal(server.requests.length, before);
    assert.equal(text.standIn, false);
    assert.equal(image.standIn, true);
    const [vector] = await image.embedImages([await renderScene(0)]);
    assert.equal(vector.length, image.dim);
    assert.equal(server.requests.length, before, 'images stayed in-process');
  });

  it('rejects an incomplete configuration, naming the field', async () => {
    await assert.rejects(createEmbedders({ backend: 'http', model: 'm' }), /url: the http backend needs url/);
    await assert.rejects(createEmbedders({ backend: 'http', url }), /model: the http backend needs model/);
    await assert.rejects(createEmbedders({ backend: 'gpu' as 'http' }), /backend/);
    await assert.rejects(createEmbedders({ backend: 'standin', batchSize: 0 }), /batchSize/);
  });

  it('fails at start, not at the first article, when the server is wrong', async () => {
    await assert.rejects(createEmbedders({ backend: 'http', url, model: 'no/such-model' }), { name: 'EmbeddingServerError', status: 404 });
  });
});
