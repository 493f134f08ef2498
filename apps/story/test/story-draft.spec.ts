import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoryScriptV1 } from '#contracts';
import { ChatClient, outputTokenBound } from '#llm';
import { expandCompactDraft } from '../src/draft-expansion.js';
import { ModelStoryWriter } from '../src/model.writer.js';
import { COMPACT_LIMITS, compactDraftJsonSchema, compactDraftSchema } from '../src/story-draft.js';
import type { StoryInput } from '../src/story.types.js';

const input: StoryInput = {
  trend: { trendId: 7, text: '성수동 팝업에 2030 인파\n기사 3건', category: 'life', score: 3 },
  article: { articleId: 9, url: 'https://news.example/ko/9', title: '성수동 팝업스토어에 주말마다 인파', text: '첫 문장은 여기까지입니다. 두 번째 문장입니다.', lang: 'ko' },
  media: [
    { mediaId: 501, kind: 'image', caption: '긴 대기줄', durationS: null, dataUrls: [] },
    { mediaId: 502, kind: 'video', caption: null, durationS: 3, dataUrls: [] },
  ],
  language: 'ko',
  template: { id: 'default.ko', version: 1, language: 'ko', system: '', user: '' },
};

describe('the compact draft', () => {
  it('bounds every value in the grammar: strings by maxLength, media and durations by enums, and so the reply', () => {
    const schema = compactDraftJsonSchema([501, 502]);
    const scene = ((schema.properties as Record<string, { items: { properties: Record<string, unknown> } }>).scenes).items.properties;
    assert.deepEqual(scene.mediaId, { enum: [501, 502, null] });
    assert.deepEqual(scene.durationS, { enum: COMPACT_LIMITS.durations });
    assert.ok(outputTokenBound(schema) !== null);
  });

  it('validates as the grammar counts: characters (code points), not UTF-16 units', () => {
    const emoji = '😀'.repeat(COMPACT_LIMITS.titleChars);
    const ok = compactDraftSchema([501]).safeParse({ title: emoji, hook: 'h', scenes: [{ narration: 'n', mediaId: 501, durationS: 3 }] });
    assert.ok(ok.success, JSON.stringify(ok.error?.issues));
    const bad = compactDraftSchema([501]).safeParse({ title: 't', hook: 'h', scenes: [{ narration: 'n', mediaId: 999, durationS: 3.5 }] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues.map((issue) => issue.path.join('.')).sort(), ['scenes.0.durationS', 'scenes.0.mediaId']);
  });

  it('grows into a valid script; what the model wrote is listed as its own, what code filled as code', () => {
    const { script, authorship } = expandCompactDraft(
      {
        title: '  성수동  팝업 ',
        hook: ' ',
        scenes: [
          { narration: '주말마다 인파가 몰립니다', mediaId: 501, durationS: 4 },
          { narration: '\n', mediaId: 502, durationS: 5 },
        ],
      },
      input,
    );
    assert.ok(StoryScriptV1.safeParse(script).success);
    assert.equal(script.title, '성수동 팝업', 'blank runs collapsed, still the model\'s');
    assert.equal(script.hook, '성수동 팝업에 2030 인파', 'a blank hook is the trend line');
    assert.equal(script.scenes[0]!.onScreen, '긴 대기줄', 'the caption of the medium');
    assert.equal(script.scenes[1]!.narration, '두 번째 문장입니다.', 'a blank narration is the article sentence of its rank');
    assert.deepEqual([script.scenes[1]!.startS, script.scenes[1]!.endS], [0, 3], 'a video from 0 to the scene or the video, whichever ends first');
    assert.equal(script.language, 'ko');
    assert.equal(script.sourceUrl, 'https://news.example/ko/9');
    assert.ok(script.hashtags.includes('#life'));
    assert.deepEqual(authorship.model.sort(), ['scenes[0].durationS', 'scenes[0].mediaId', 'scenes[0].narration', 'scenes[1].durationS', 'scenes[1].mediaId', 'title'].sort());
    for (const path of ['hook', 'scenes[1].narration', 'scenes[0].onScreen', 'scenes[1].endS', 'hashtags', 'language', 'sourceUrl']) assert.ok(authorship.code.includes(path), path);
  });

  it('a context too small for its reply budget fails at start, saying what to raise', () => {
    const client = new ChatClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'small', backend: 'llamacpp' });
    assert.throws(() => new ModelStoryWriter(client, { contextTokens: 2048, maxTokens: 0, images: false, draft: 'compact' }), /may take 3236 tokens.*STORY_LLM_CONTEXT_TOKENS/);
    assert.doesNotThrow(() => new ModelStoryWriter(client, { contextTokens: 4096, maxTokens: 0, images: false, draft: 'compact' }));
  });
});
