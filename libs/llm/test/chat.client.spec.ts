import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatClient, ContextOverflowError, LlmError, retryAfterFromHeaders, retryDelayMs, SDK_RETRY_POLICY, strictJsonSchema, structuredOutputFields, type ChatClientOptions } from '#llm';
import { chatReply, FakeChatServer } from '#llm/testing';
import { z } from 'zod';

const Answer = z.object({ title: z.string().min(1).max(40), score: z.number().int().min(1).max(5), tags: z.array(z.string()).max(3), note: z.string().nullable() });
const fastRetry = { maxRetries: 2, minBackoffMs: 5, maxBackoffMs: 20, maxRetryAfterMs: 60_000 };
const ask = [{ role: 'user' as const, content: 'Rate this article about the Han river night market.' }];

async function rejects(promise: Promise<unknown>, code: string): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LlmError, `expected an LlmError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('ChatClient against the fake chat server', () => {
  const server = new FakeChatServer({ apiKey: 'sk-test-secret-123456' });
  let url: string;
  const client = (options: Partial<ChatClientOptions> = {}) =>
    new ChatClient({ baseUrl: url, model: server.model, apiKey: 'sk-test-secret-123456', retry: fastRetry, timeoutMs: 2000, ...options });

  before(async () => {
    url = await server.start();
  });
  after(() => server.close());

  it('answers plain text (200 JSON) with usage and latency', async () => {
    const completion = await client().complete({ messages: ask, maxTokens: 50 });
    assert.equal(completion.content, 'ok');
    assert.equal(completion.finishReason, 'stop');
    assert.ok(completion.usage && completion.usage.promptTokens > 0);
    assert.equal(completion.attempts, 1);
    const sent = server.requests.at(-1)!;
    assert.equal(sent.headers.authorization, 'Bearer sk-test-secret-123456');
    assert.equal(sent.body.max_completion_tokens, 50);
  });

  it('streams SSE to [DONE] with the usage chunk, and the deltas add up to the content', async () => {
    const deltas: string[] = [];
    const result = await client().completeJson({ messages: ask, stream: true, onDelta: (text) => deltas.push(text) }, { name: 'answer', schema: Answer });
    assert.equal(result.value.title, 'sample');
    assert.ok(deltas.length >= 2);
    assert.equal(deltas.join(''), result.completion.content);
    assert.ok(result.usage.promptTokens > 0);
    assert.deepEqual(server.requests.at(-1)!.body.stream_options, { include_usage: true });
  });

  it('sends the strict schema in each backend dialect', async () => {
    const schema = strictJsonSchema(Answer);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['title', 'score', 'tags', 'note']);
    assert.deepEqual(structuredOutputFields('openai', 'a', schema), { response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema } } });
    assert.deepEqual(structuredOutputFields('vllm', 'a', schema), { structured_outputs: { json: schema } });
    assert.deepEqual(structuredOutputFields('llamacpp', 'a', schema), { response_format: { type: 'json_object', schema } });
    assert.deepEqual(structuredOutputFields('ollama', 'a', schema).format, schema);
    for (const backend of ['openai', 'vllm', 'llamacpp', 'ollama'] as const) {
      const result = await client({ backend }).completeJson({ messages: ask }, { name: 'answer', schema: Answer });
      assert.equal(result.value.score, 1, backend);
    }
    assert.throws(() => strictJsonSchema(z.object({ a: z.string().optional() })), /nullable/);
  });

  it('retries a 429 after its retry-after, then answers', async () => {
    server.next(chatReply.rateLimited({ 'retry-after': '0.05' }));
    const started = Date.now();
    const completion = await client().complete({ messages: ask });
    assert.equal(completion.attempts, 2);
    assert.ok(Date.now() - started >= 45);
  });

  it('honours retry-after-ms before retry-after, and backs off 0.5-8 s with jitter otherwise', () => {
    const headers: Record<string, string> = { 'retry-after-ms': '250', 'retry-after': '9' };
    assert.equal(retryAfterFromHeaders((name) => headers[name]), 250);
    assert.equal(retryAfterFromHeaders((name) => ({ 'retry-after': '3' })[name]), 3000);
    assert.equal(retryDelayMs(SDK_RETRY_POLICY, 1, undefined, () => 0), 500);
    assert.equal(retryDelayMs(SDK_RETRY_POLICY, 5, undefined, () => 0), 8000);
    assert.equal(retryDelayMs(SDK_RETRY_POLICY, 9, undefined, () => 1), 6000);
    assert.equal(retryDelayMs(SDK_RETRY_POLICY, 1, 61_000, () => 0), 500, 'a retry-after over 60 s is not waited for');
  });

  it('retries a 500 and gives up after the retries with the attempts counted', async () => {
    server.next(chatReply.serverError());
    assert.equal((await client().complete({ messages: ask })).attempts, 2);
    server.next(chatReply.serverError(), chatReply.serverError(), chatReply.serverError());
    const error = await rejects(client().complete({ messages: ask }), 'http-status');
    assert.equal(error.details.status, 500);
    assert.equal(error.details.attempts, 3);
  });

  it('does not retry a 400 or a 401, and never shows the key', async () => {
    const error = await rejects(client({ apiKey: 'sk-wrong-key-987654' }).complete({ messages: ask }), 'http-status');
    assert.equal(error.details.status, 401);
    assert.equal(error.details.attempts, 1);
    assert.doesNotMatch(error.message + (error.details.body ?? ''), /sk-wrong-key-987654/);
    assert.match(error.message, /\*\*\*/);
  });

  for (const style of ['openai', 'vllm', 'llamacpp'] as const) {
    it(`turns the ${style} context-overflow body into one error that says how much to cut`, async () => {
      server.next(chatReply.overflow(style, 5000, 4096, 1000));
      const error = await rejects(client({ backend: style === 'llamacpp' ? 'llamacpp' : style }).complete({ messages: ask, maxTokens: 1000 }), 'context-overflow');
      assert.ok(error instanceof ContextOverflowError);
      assert.equal(error.limitTokens, 4096);
      assert.equal(error.cutTokens, style === 'vllm' ? 1904 : 904);
      assert.match(error.message, /cut at least \d+ tokens \(about \d+ characters/);
      assert.equal(error.details.attempts, 1);
    });
  }

  it('refuses before sending when our estimate exceeds the configured context', async () => {
    const before = server.requests.length;
    const long = [{ role: 'user' as const, content: 'word '.repeat(3000) }];
    const error = await rejects(client({ contextTokens: 1000 }).complete({ messages: long, maxTokens: 100 }), 'context-overflow');
    assert.match(error.message, /cut at least/);
    assert.equal(server.requests.length, before);
  });

  it('refuses a 200 built on a silently truncated prompt (Ollama)', async () => {
    server.next(chatReply.truncated(server, 40));
    const long = [{ role: 'user' as const, content: '서울 한강 야시장에 20대가 몰린다. '.repeat(80) }];
    const error = await rejects(client({ backend: 'ollama' }).complete({ messages: long }), 'truncated-prompt');
    assert.match(error.message, /reports 40 prompt tokens/);
  });

  it('a stream cut mid-event is retried; with no retries left it is stream-broken', async () => {
    server.next(chatReply.streamCut(server));
    const completion = await client().complete({ messages: ask, stream: true });
    assert.equal(completion.attempts, 2);
    assert.equal(completion.content, 'ok');
    server.next(chatReply.streamCut(server));
    await rejects(client({ retry: { ...fastRetry, maxRetries: 0 } }).complete({ messages: ask, stream: true }), 'stream-broken');
  });

  it('an error event mid-stream is an error, retried as a 5xx', async () => {
    server.next(chatReply.streamError(), chatReply.streamError(), chatReply.streamError());
    const error = await rejects(client().complete({ messages: ask, stream: true }), 'http-status');
    assert.match(error.message, /mid-stream \(500\)/);
  });

  it('finish_reason length is an error, not a half answer (JSON and stream)', async () => {
    server.next(chatReply.length(server));
    await rejects(client().completeJson({ messages: ask }, { name: 'answer', schema: Answer }), 'length');
    server.next(chatReply.length(server));
    await rejects(client().complete({ messages: ask, stream: true }), 'length');
  });

  it('a refusal is an error, not parsed (JSON and stream)', async () => {
    server.next(chatReply.refusal(server));
    const error = await rejects(client().completeJson({ messages: ask }, { name: 'answer', schema: Answer }), 'refusal');
    assert.match(error.message, /can't help/);
    server.next(chatReply.refusal(server));
    await rejects(client().completeJson({ messages: ask, stream: true }, { name: 'answer', schema: Answer }), 'refusal');
  });

  it('invalid JSON gets one repair request that quotes the problem', async () => {
    server.next(chatReply.invalidJson(server));
    const result = await client().completeJson({ messages: ask }, { name: 'answer', schema: Answer });
    assert.equal(result.repairs, 1);
    const repair = server.requests.at(-1)!.body.messages as { role: string; content: string }[];
    assert.equal(repair.at(-2)!.role, 'assistant');
    assert.match(repair.at(-1)!.content, /not valid: not JSON/);
    server.next(chatReply.invalidJson(server), chatReply.content(server, '{"title": "", "score": 9, "tags": [], "note": null}'));
    const error = await rejects(client().completeJson({ messages: ask }, { name: 'answer', schema: Answer }), 'invalid-output');
    assert.match(error.message, /score/);
  });

  it('a reply slower than the timeout is a timeout, retried, then given up', async () => {
    server.next(chatReply.slow(400, chatReply.ok(server)));
    const error = await rejects(client({ timeoutMs: 100, retry: { ...fastRetry, maxRetries: 0 } }).complete({ messages: ask }), 'timeout');
    assert.match(error.message, /within 100 ms/);
    server.next(chatReply.slow(400, chatReply.ok(server)));
    const completion = await client({ timeoutMs: 200 }).complete({ messages: ask });
    assert.equal(completion.attempts, 2);
  });

  it('an unreachable server is a network error naming the endpoint without the key', async () => {
    const error = await rejects(
      new ChatClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-never-shown-424242', retry: { ...fastRetry, maxRetries: 1 } }).complete({ messages: ask }),
      'network',
    );
    assert.match(error.message, /127\.0\.0\.1:9/);
    assert.doesNotMatch(JSON.stringify({ m: error.message, d: error.details }), /sk-never-shown/);
  });
});
