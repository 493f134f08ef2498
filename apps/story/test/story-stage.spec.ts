import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoryScriptV1 } from '#contracts';
import { estimateTokens, outputTokenBound, type JsonSchema } from '#llm';
import { FakeChatServer, promptTokensOf, type FakeChatRequest } from '#llm/testing';
import { waitFor } from '#testing';
import { StoryHarness } from './story.fixture.js';

const KO_TEXT =
  '서울 성수동의 한 팝업스토어에 주말마다 수천 명이 몰리고 있다. 방문객의 대부분은 20대와 30대로, 입장까지 두 시간 넘게 기다리기도 한다. ' +
  '업계는 한정판 굿즈와 사진 찍기 좋은 공간이 인기의 이유라고 분석했다. 인근 상인들은 유동 인구가 늘어 매출이 올랐다고 말했다. ' +
  '다만 주민들은 소음과 쓰레기 문제를 호소하고 있다.';

describe('story stage with the template stand-in', () => {
  let h: StoryHarness;
  let withMedia: number;
  let noMedia: number;

  before(async () => {
    h = await StoryHarness.start(
      { STORY_BACKEND: 'standin' },
      'default: { perDay: 5, minScore: 1, stages: [emerging, peaking] }\ncategories:\n  economy: { perDay: 2 }\n',
    );
    withMedia = await h.storeArticle({ title: '성수동 팝업스토어에 2030 인파', text: KO_TEXT, images: 2 });
    noMedia = await h.storeArticle({ title: '성수동 팝업 열풍, 주민은 불편', text: KO_TEXT.split('. ').reverse().join('. ') });
  });
  after(() => h?.close());

  it('writes a valid Korean script from the best member with media, named as the stand-in in the row and the event', async () => {
    const trend = await h.detectTrend([noMedia, withMedia], { text: '20~30대가 성수동 팝업스토어로 몰린다' });
    const [row] = await waitFor('a story row', async () => {
      const rows = await h.stories(trend.trendId);
      return rows.length === 1 ? rows : null;
    });
    assert.equal(row!.articleId, withMedia);
    assert.match(row!.articleReason!, /best member with media \(representative \d+ has none\)/);
    assert.equal(row!.model, 'standin-template');
    assert.equal(row!.standIn, true);
    assert.equal(row!.templateId, 'standin-template');
    assert.equal(row!.finishReason, 'standin');
    const script = await h.script(row!.textKey);
    assert.equal(script.language, 'ko');
    assert.equal(script.hook, '20~30대가 성수동 팝업스토어로 몰린다');
    assert.match(script.scenes[1]!.narration, /[가-힣]/);
    assert.ok(script.scenes.some((scene) => scene.mediaId !== null), 'scenes use the article images');
    assert.match(script.sourceUrl, /^https:\/\/news\.example\//);
    const record = await h.record(row!.textKey);
    assert.deepEqual(record.authorship.model, [], 'the stand-in writes nothing as a model');
    assert.equal(record.standIn, true);
    const [event] = await waitFor('story.written', async () => (await h.written()).filter((e) => e.payload.trendId === trend.trendId));
    assert.equal(event!.payload.standIn, true);
    assert.equal(event!.payload.model, 'standin-template');
    assert.equal(event!.payload.textKey, row!.textKey);
  });

  it('writes nothing new on a redelivered or repeated trend event', async () => {
    const trend = await h.detectTrend([withMedia]);
    await waitFor('the first story', async () => (await h.written()).some((e) => e.payload.trendId === trend.trendId));
    await h.publish({ ...trend, stage: 'peaking' } as typeof trend, `again:${trend.trendId}`);
    await h.publish(trend, `third:${trend.trendId}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await h.stories(trend.trendId)).length, 1);
    assert.equal((await h.written()).filter((e) => e.payload.trendId === trend.trendId).length, 1);
  });

  it('writes a script without media for a trend whose articles have none', async () => {
    const trend = await h.detectTrend([noMedia]);
    const [row] = await waitFor('a story row', async () => {
      const rows = await h.stories(trend.trendId);
      return rows.length === 1 ? rows : null;
    });
    assert.equal(row!.articleReason, 'representative (no member has media)');
    const script = await h.script(row!.textKey);
    assert.ok(script.scenes.every((scene) => scene.mediaId === null));
  });

  it('keeps the policy: the per-category daily cap and the minimum score', async () => {
    const trends: { trendId: number }[] = [];
    for (let i = 0; i < 3; i++) trends.push(await h.detectTrend([withMedia], { category: 'economy' }));
    const low = await h.detectTrend([withMedia], { score: 0.5 });
    await waitFor('two economy stories', async () => {
      let count = 0;
      for (const trend of trends) count += (await h.stories(trend.trendId)).length;
      return count === 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let count = 0;
    for (const trend of trends) count += (await h.stories(trend.trendId)).length;
    assert.equal(count, 2, 'the third economy trend of the day gets no story');
    assert.equal((await h.stories(low.trendId)).length, 0);
    assert.equal((await h.deadLetters()).length, 0);
  });
});

describe('story stage with a chat model (the fake server)', () => {
  const requests: FakeChatRequest[] = [];
  const server = new FakeChatServer({
    model: 'fake/story-writer',
    responder: (request) => {
      requests.push(request);
      const schema = JSON.stringify(request.body.response_format ?? request.body.structured_outputs);
      const mediaId = /"enum":\[(\d+)/.exec(schema)?.[1];
      return JSON.stringify({
        title: '성수동 팝업에 몰린 2030',
        hook: '주말마다 두 시간 줄을 서는 곳이 있다',
        scenes: [
          { narration: '성수동 팝업스토어에 주말마다 수천 명이 몰립니다.', onScreen: '긴 대기줄', mediaId: mediaId ? Number(mediaId) : null, startS: null, endS: null, durationS: 4 },
          { narration: '한정판 굿즈와 사진 명소가 인기 비결입니다.', onScreen: '굿즈 진열대', mediaId: null, startS: null, endS: null, durationS: 5 },
        ],
        hashtags: ['#성수동', '#팝업스토어'],
      });
    },
  });
  let h: StoryHarness;

  before(async () => {
    const url = await server.start();
    h = await StoryHarness.start({
      STORY_BACKEND: 'http',
      STORY_LLM_URL: url,
      STORY_LLM_MODEL: 'fake/story-writer',
      STORY_LLM_SERVER: 'vllm',
      STORY_LLM_CONTEXT_TOKENS: '1500',
      STORY_LLM_MAX_TOKENS: '400',
      STORY_LLM_MAX_RETRIES: '0',
      STORY_LLM_TIMEOUT_MS: '5000',
    });
  });
  after(async () => {
    await h?.close();
    await server.close();
  });

  it('trims an article too long for the context, sends its images, and records the model, template and usage', async () => {
    const long = await h.storeArticle({ title: '성수동 팝업스토어 인파', text: KO_TEXT.repeat(40), images: 1 });
    const trend = await h.detectTrend([long]);
    const [row] = await waitFor('a story row', async () => {
      const rows = await h.stories(trend.trendId);
      return rows.length === 1 ? rows : null;
    });
    assert.equal(row!.model, 'fake/story-writer');
    assert.equal(row!.standIn, false);
    assert.equal(row!.templateId, 'default.ko');
    assert.equal(row!.templateVersion, 1);
    assert.equal(row!.finishReason, 'stop');
    assert.ok(row!.promptTokens! > 0 && row!.completionTokens! > 0 && row!.latencyMs! >= 0);
    const request = requests.at(-1)!;
    assert.ok(promptTokensOf(request) + 400 <= 1500, `prompt of ${promptTokensOf(request)} tokens fits the context`);
    assert.ok(estimateTokens(KO_TEXT.repeat(40)) > 1500, 'the article alone would not have fitted');
    const user = (request.body.messages as { role: string; content: unknown }[]).find((m) => m.role === 'user')!;
    const parts = user.content as { type: string; image_url?: { url: string } }[];
    assert.ok(parts.some((part) => part.type === 'image_url' && part.image_url!.url.startsWith('data:image/jpeg;base64,')));
    assert.ok(request.body.structured_outputs, 'vLLM dialect');
    const script = await h.script(row!.textKey);
    assert.equal(script.language, 'ko');
    assert.match(script.scenes[0]!.narration, /성수동/);
    assert.ok(StoryScriptV1.safeParse(script).success);
    const record = await h.record(row!.textKey);
    assert.equal(record.draft, 'full');
    assert.ok(record.authorship.model.includes('scenes[1].onScreen') && record.authorship.model.includes('hashtags'));
    assert.deepEqual(record.authorship.code, ['language', 'sourceUrl']);
    assert.equal((record.modelOutput as { title: string }).title, '성수동 팝업에 몰린 2030');
    assert.match(record.prompt![1]!.content, /\[image, \d+ characters of data URL\]/);
  });
});

describe('story stage with a small constrained engine (compact draft, llama.cpp dialect, the fake server)', () => {
  const requests: FakeChatRequest[] = [];
  const server = new FakeChatServer({
    model: 'fake/small-engine',
    responder: (request) => {
      requests.push(request);
      const schema = JSON.stringify(request.body.response_format);
      const mediaId = /"mediaId":\{"enum":\[(\d+)/.exec(schema)?.[1];
      // A blank hook passes the grammar's minLength 1: the stage fills it and says so.
      return JSON.stringify({ title: '성수동 팝업', hook: ' ', scenes: [{ narration: '주말마다 인파가 몰립니다', mediaId: Number(mediaId), durationS: 4 }] });
    },
  });
  let h: StoryHarness;

  before(async () => {
    const url = await server.start();
    h = await StoryHarness.start({
      STORY_BACKEND: 'http',
      STORY_LLM_URL: url,
      STORY_LLM_MODEL: 'fake/small-engine',
      STORY_LLM_SERVER: 'llamacpp',
      STORY_LLM_DRAFT: 'compact',
      STORY_LLM_CONTEXT_TOKENS: '4096',
      STORY_LLM_MAX_RETRIES: '0',
      STORY_LLM_TIMEOUT_MS: '5000',
    });
  });
  after(async () => {
    await h?.close();
    await server.close();
  });

  it('asks for the compact draft with a reply budget from its schema, and records what code filled', async () => {
    const article = await h.storeArticle({ title: '성수동 팝업스토어 인파', text: KO_TEXT, images: 1 });
    const trend = await h.detectTrend([article], { text: '성수동 팝업에 2030 인파' });
    const [row] = await waitFor('a story row', async () => {
      const rows = await h.stories(trend.trendId);
      return rows.length === 1 ? rows : null;
    });
    const request = requests.at(-1)!;
    const sent = (request.body.response_format as { schema: JsonSchema }).schema;
    assert.equal(request.body.max_tokens, outputTokenBound(sent), 'the budget that always closes the JSON');
    assert.ok(JSON.stringify(sent).includes('"durationS":{"enum":[2,3,4,5,6,7,8,9,10]}'));
    assert.equal(row!.model, 'fake/small-engine');
    const script = await h.script(row!.textKey);
    assert.ok(StoryScriptV1.safeParse(script).success);
    assert.equal(script.hook, '성수동 팝업에 2030 인파');
    assert.equal(script.scenes[0]!.durationS, 4);
    const record = await h.record(row!.textKey);
    assert.equal(record.draft, 'compact');
    assert.ok(record.authorship.model.includes('title') && record.authorship.model.includes('scenes[0].narration'));
    assert.ok(record.authorship.code.includes('hook') && record.authorship.code.includes('scenes[0].onScreen') && record.authorship.code.includes('hashtags'));
  });
});
