import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  EmbeddingServerError,
  HttpImageEmbedder,
  ImageInputError,
  embedImagesEach,
  OpenAiEmbeddingClient,
  l2Normalise,
  parseRetryAfter,
  type OpenAiEmbeddingClientOptions,
} from '../src/embedding/index.js';
import { FakeEmbeddingServer, fakeVector, reply } from './fake-embedding.server.js';

function expected(input: string, dim = 8): Float32Array {
  return l2Normalise(Float32Array.from(fakeVector(input, dim)));
}

function assertClose(actual: Float32Array, wanted: Float32Array): void {
  assert.equal(actual.length, wanted.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - wanted[i]) < 1e-6, `component ${i}: ${actual[i]} vs ${wanted[i]}`);
}

async function rejection(promise: Promise<unknown>): Promise<EmbeddingServerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EmbeddingServerError, `expected EmbeddingServerError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('OpenAiEmbeddingClient against a local OpenAI-compatible server', () => {
  let server: FakeEmbeddingServer;
  let url: string;
  const client = (options: Partial<OpenAiEmbeddingClientOptions> = {}): OpenAiEmbeddingClient =>
    new OpenAiEmbeddingClient({ url, model: server.model, apiKey: 'sk-test', backoffMs: 10, maxBackoffMs: 40, ...options });

  beforeEach(async () => {
    server = new FakeEmbeddingServer({ apiKey: 'sk-test' });
    url = await server.start();
  });

  afterEach(async () => {
    await server.close();
  });

  it('sends batches with the model and key, and puts answers back in input order', async () => {
    server.next(server.ok({ shuffle: true }), server.ok({ shuffle: true }), server.ok({ shuffle: true }));
    const inputs = ['첫째 기사', 'second article', '셋째', 'fourth', '다섯째'];
    const vectors = await client({ batchSize: 2 }).embed(inputs);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.requests.map((request) => request.body.input), [inputs.slice(0, 2), inputs.slice(2, 4), inputs.slice(4)]);
    assert.equal(server.requests[0].url, '/v1/embeddings');
    assert.equal(server.requests[0].headers.authorization, 'Bearer sk-test');
    assert.equal(server.requests[0].body.model, server.model);
    inputs.forEach((input, i) => assertClose(vectors[i], expected(input)));
  });

  it('accepts the base URL with or without /v1 or the full endpoint', () => {
    assert.equal(new OpenAiEmbeddingClient({ url: 'http://tei:8080', model: 'm' }).endpoint, 'http://tei:8080/v1/embeddings');
    assert.equal(new OpenAiEmbeddingClient({ url: 'http://vllm:8000/v1/', model: 'm' }).endpoint, 'http://vllm:8000/v1/embeddings');
    assert.equal(new OpenAiEmbeddingClient({ url: 'http://x/v1/embeddings', model: 'm' }).endpoint, 'http://x/v1/embeddings');
    assert.throws(() => new OpenAiEmbeddingClient({ url: 'tei:8080', model: 'm' }), /must be http or https|not an absolute URL/);
  });

  it('retries a 503 after the Retry-After the server asked for, then succeeds', async () => {
    server.next(reply.status(503, { error: 'Model is overloaded', error_type: 'Overloaded' }, { 'retry-after': '1' }));
    const started = Date.now();
    const [vector] = await client().embed(['폭염특보']);
    const elapsed = Date.now() - started;
    assert.equal(server.requests.length, 2);
    assert.ok(elapsed >= 950, `waited ${elapsed} ms, Retry-After was 1 s`);
    assertClose(vector, expected('폭염특보'));
  });

  it('retries 500, 502 and a dropped connection with backoff', async () => {
    server.next(reply.status(500, { error: 'CUDA error', error_type: 'Backend' }), reply.status(502, 'Bad Gateway'), reply.hangUp());
    const [vector] = await client({ maxRetries: 3 }).embed(['x']);
    assert.equal(server.requests.length, 4);
    assertClose(vector, expected('x'));
  });

  it('gives up after maxRetries with a retryable error that counts the attempts', async () => {
    const busy = reply.status(429, { error: 'Model is overloaded', error_type: 'Overloaded' });
    server.next(busy, busy, busy, busy);
    const error = await rejection(client({ maxRetries: 2 }).embed(['x']));
    assert.equal(server.requests.length, 3);
    assert.equal(error.code, 'HTTP_STATUS');
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true);
    assert.equal(error.details.attempts, 3);
  });

  it('hands a long Retry-After to the caller instead of sleeping on it', async () => {
    server.next(reply.status(429, { error: 'rate limited' }, { 'retry-after': '120' }));
    const error = await rejection(client({ maxRetryAfterMs: 30_000 }).embed(['x']));
    assert.equal(server.requests.length, 1);
    assert.equal(error.retryable, true);
    assert.equal(error.details.retryAfterMs, 120_000);
  });

  it('does not retry a 400 and says so', async () => {
    server.next(reply.status(400, { object: 'error', message: 'This model\'s maximum context length is 512 tokens', type: 'BadRequestError', code: 400 }));
    const error = await rejection(client().embed(['a very long text']));
    assert.equal(server.requests.length, 1);
    assert.equal(error.code, 'HTTP_STATUS');
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.match(error.message, /answered 400 .*maximum context length is 512 tokens/);
  });

  it('reports a wrong key and a wrong model as not retryable, from the real server checks', async () => {
    const badKey = await rejection(client({ apiKey: 'sk-wrong' }).embed(['x']));
    assert.equal(badKey.status, 401);
    assert.equal(badKey.retryable, false);
    assert.match(badKey.message, /check apiKey/);
    const badModel = await rejection(client({ model: 'no/such-model' }).embed(['x']));
    assert.equal(badModel.status, 404);
    assert.match(badModel.message, /check the url and the model name.*does not exist/);
  });

  it('times out a slow answer, retryable, without waiting for it', async () => {
    server.next(reply.slow(1500, server.ok()));
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 200, maxRetries: 0 }).embed(['x']));
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    assert.equal(error.code, 'TIMEOUT');
    assert.equal(error.retryable, true);
  });

  it('recovers when only the first answer is slow', async () => {
    server.next(reply.slow(1500, server.ok()));
    const [vector] = await client({ timeoutMs: 600, maxRetries: 1 }).embed(['x']);
    assertClose(vector, expected('x'));
    assert.equal(server.requests.length, 2);
  });

  it('refuses an answer with fewer embeddings than inputs', async () => {
    server.next(server.ok({ drop: 1 }));
    const error = await rejection(client().embed(['a', 'b', 'c']));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.retryable, false);
    assert.match(error.message, /returned 2 embeddings for 3 inputs/);
    assert.equal(server.requests.length, 1);
  });

  it('refuses vectors of another length than configured, or than the first answer', async () => {
    server.next(server.ok({ dim: 4 }));
    const configured = await rejection(client({ dimensions: 8 }).embed(['a']));
    assert.match(configured.message, /returned a 4-dim vector where 8 dims are expected/);
    const learning = client();
    await learning.embed(['a']);
    assert.equal(learning.dim, 8);
    server.next(server.ok({ dim: 16 }));
    const drifted = await rejection(learning.embed(['b']));
    assert.equal(drifted.code, 'BAD_RESPONSE');
  });

  it('refuses a body that is not the embeddings shape', async () => {
    server.next(reply.raw(200, '<html>proxy login</html>'), reply.status(200, { data: [{ index: 0, embedding: ['1', '2'] }] }));
    assert.match((await rejection(client().embed(['a']))).message, /did not answer JSON/);
    assert.match((await rejection(client().embed(['a']))).message, /without data\[\{index, embedding\}\]/);
  });

  it('accepts base64 float32 embeddings', async () => {
    server.next(server.ok({ base64: true }));
    const [vector] = await client().embed(['base64']);
    assertClose(vector, expected('base64'));
  });

  it('reports an unreachable server as a retryable network error', async () => {
    const port = await closedPort();
    const error = await rejection(new OpenAiEmbeddingClient({ url: `http://127.0.0.1:${port}`, model: 'm', maxRetries: 1, backoffMs: 10 }).embed(['x']));
    assert.equal(error.code, 'NETWORK');
    assert.equal(error.retryable, true);
    assert.equal(error.details.attempts, 2);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('sends images as base64 data URLs with the server-specific fields', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const jpeg = await sharp(png).jpeg().toBuffer();
    const images = new HttpImageEmbedder(client(), 8, { extraBody: { modality: 'image' } });
    const vectors = await images.embedImages([png, jpeg]);
    const sent = server.requests[0].body;
    assert.equal(sent.modality, 'image');
    assert.deepEqual(sent.input, [`data:image/png;base64,${png.toString('base64')}`, `data:image/jpeg;base64,${jpeg.toString('base64')}`]);
    assertClose(vectors[1], expected(`data:image/jpeg;base64,${jpeg.toString('base64')}`));
    assert.equal(images.standIn, false);
    assert.equal(images.modelId, server.model);
  });

  it('finds the image the server refused by retrying one at a time (embedImagesEach)', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const refused = reply.status(400, { object: 'error', message: 'cannot identify image file', type: 'BadRequestError', code: 400 });
    server.next(refused, server.ok(), refused, server.ok());
    const outcomes = await embedImagesEach(new HttpImageEmbedder(client(), 8), [png, png, png]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['embedded', 'failed', 'embedded']);
    assert.equal(server.requests.length, 4);
    const failed = outcomes[1];
    assert.ok(failed.status === 'failed' && failed.error instanceof EmbeddingServerError && failed.error.status === 400);
  });

  it('lets a retryable failure of the whole batch through (embedImagesEach)', async () => {
    const busy = reply.status(503, { error: 'overloaded' });
    server.next(busy, busy);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0000ff' } }).png().toBuffer();
    await assert.rejects(embedImagesEach(new HttpImageEmbedder(client({ maxRetries: 1 }), 8), [png]), { name: 'EmbeddingServerError', retryable: true });
  });

  it('never retries a 4xx other than 429', async () => {
    for (const status of [401, 403, 404, 408, 413, 422]) {
      server.next(reply.status(status, { error: 'no' }));
      const error = await rejection(client({ maxRetries: 3 }).embed(['x']));
      assert.equal(error.retryable, false, `status ${status}`);
    }
    assert.equal(server.requests.length, 6);
  });

  it('refuses bytes that are not an image before sending anything', async () => {
    const images = new HttpImageEmbedder(client(), 8);
    await assert.rejects(images.embedImages([Buffer.from('%PDF-1.7 not an image')]), (error: unknown) => {
      assert.ok(error instanceof ImageInputError);
      assert.equal(error.code, 'UNSUPPORTED_FORMAT');
      return true;
    });
    assert.equal(server.requests.length, 0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores the rest', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
