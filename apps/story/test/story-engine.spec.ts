import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StoryScriptV1 } from '#contracts';
import { ChatClient, outputTokenBound } from '#llm';
import { LlamaEngineServer } from '#llm/testing';
import { ModelStoryWriter } from '../src/model.writer.js';
import { COMPACT_LIMITS, compactDraftJsonSchema } from '../src/story-draft.js';
import type { StoryInput } from '../src/story.types.js';

const root = join(import.meta.dirname, '../../../..');

/** The GGUF, installed on first run (as the engine spec of #llm does). */
function modelPath(): string {
  const found = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'path'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  const installed = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'install'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert.equal(installed.status, 0, 'scripts/llm-model.mjs install failed (see above)');
  const ready = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'path'], { encoding: 'utf8' });
  assert.equal(ready.status, 0, 'the model is not where scripts/llm-model.mjs says after installing');
  return ready.stdout.trim();
}

const input: StoryInput = {
  trend: { trendId: 1, text: 'Running crews fill city parks before work', category: 'life', score: 3 },
  article: {
    articleId: 1,
    url: 'https://news.example/en/1',
    title: 'Running crews fill city parks before work',
    text: 'Running crews of office workers now fill city parks at six in the morning. One crew grew from ten to three hundred members in a year.',
    lang: 'en',
  },
  media: [{ mediaId: 1001, kind: 'image', caption: 'runners at dawn', durationS: null, dataUrls: [] }],
  language: 'en',
  template: {
    id: 'spec.en',
    version: 1,
    language: 'en',
    system: 'You write short-video scripts from the article only. Answer with JSON.',
    user: 'Trend: {{trend}}\nArticle title: {{title}}\nArticle text:\n{{text}}\nMedia:\n{{media}}\nWrite the script in "{{language}}" as JSON.',
  },
};

describe('the story writer on the in-process engine (Gemma 3 270M, compact draft)', () => {
  let engine: LlamaEngineServer;
  let writer: ModelStoryWriter;

  before(async () => {
    engine = new LlamaEngineServer({ modelPath: modelPath(), contextSize: 4096, threads: 1, batchSize: 512 });
    const url = await engine.start();
    const client = new ChatClient({ baseUrl: url, model: engine.model, backend: 'llamacpp', timeoutMs: 600_000, retry: { maxRetries: 0 }, contextTokens: 4096 });
    // One short scene keeps the spec to a minute or two on a loaded machine; the bench runs the default limits.
    writer = new ModelStoryWriter(client, { contextTokens: 4096, maxTokens: 0, images: false, draft: 'compact', whitespaceBytes: 13, maxScenes: 1, narrationChars: 40 });
  });
  after(() => engine?.close());

  it('writes a valid script at the first attempt, its reply inside the budget computed from the schema', async () => {
    const written = await writer.write(input);
    assert.ok(StoryScriptV1.safeParse(written.script).success);
    assert.equal(written.finishReason, 'stop');
    assert.equal(written.repairs, 0);
    const budget = outputTokenBound(compactDraftJsonSchema([1001], { ...COMPACT_LIMITS, maxScenes: 1, narrationChars: 40 }), { whitespaceBytes: 13 })!;
    assert.ok(written.completionTokens! > 10 && written.completionTokens! < budget, `${written.completionTokens} of ${budget} tokens`);
    assert.ok(written.authorship.model.includes('title') && written.authorship.code.includes('hashtags'));
    assert.ok([null, 1001].includes(written.script.scenes[0]!.mediaId));
  });
});
