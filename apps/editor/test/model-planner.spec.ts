import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoryScriptV1 } from '#contracts';
import { ChatClient, LlmError } from '#llm';
import { chatReply, FakeChatServer, type FakeChatRequest } from '#llm/testing';
import { editVideo, modelPlanner } from '../src/edit/index.js';
import { editOptions, makeInput, MediaDir } from './media.fixture.js';

const SCRIPT: StoryScriptV1 = {
  title: '한강 야경 러닝 크루',
  hook: '밤 10시, 한강에 500명이 모인다',
  language: 'ko',
  scenes: [
    { narration: '밤마다 한강에서 달리는 크루가 늘고 있습니다.', onScreen: '야경 속 러너들', mediaId: null, startS: null, endS: null, durationS: 2 },
    { narration: '퇴근 후 함께 달리는 것이 새로운 문화가 됐습니다.', onScreen: '출발선', mediaId: null, startS: null, endS: null, durationS: 2 },
  ],
  hashtags: ['#러닝'],
  sourceUrl: 'https://news.example/run',
};

describe('editor: the model planner against the fake chat server', () => {
  const seen: FakeChatRequest[] = [];
  const server = new FakeChatServer({
    model: 'fake/editor-model',
    responder: (request) => {
      seen.push(request);
      return JSON.stringify({
        cuts: [{ startS: 3.2, endS: 3.6, reason: 'a repeated frame' }],
        emphasis: [{ startS: 0.2, endS: 1.2, kind: 'highlight', note: 'the hook' }],
        thumbnailS: 1.5,
        verdict: { matchesStory: false, problems: ['the pictures show a test card, not runners'] },
      });
    },
  });
  let url: string;
  let dir: MediaDir;

  before(async () => {
    url = await server.start();
    dir = await MediaDir.create();
  });
  after(async () => {
    await server.close();
    await dir?.remove();
  });

  it('sends keyframes and the script with a strict schema, and carries out the answer with its verdict', async () => {
    const input = await makeInput(dir.file('review.mp4'), { durationS: 4 });
    const chat = new ChatClient({ baseUrl: url, model: 'fake/editor-model', timeoutMs: 10_000 });
    const planner = modelPlanner(chat, { frames: 3, frameSide: 256, maxTokens: 800, timeoutMs: 60_000 });
    const outcome = await editVideo(input, SCRIPT, { ...(await editOptions(dir)), planner });

    const request = seen.at(-1)!;
    const format = request.body.response_format as { type: string; json_schema: { strict: boolean; schema: { required: string[] } } };
    assert.equal(format.type, 'json_schema');
    assert.equal(format.json_schema.strict, true);
    assert.deepEqual(format.json_schema.schema.required.sort(), ['cuts', 'emphasis', 'thumbnailS', 'verdict']);
    const messages = request.body.messages as { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
    const parts = messages.find((m) => m.role === 'user')!.content as { type: string; text?: string; image_url?: { url: string } }[];
    assert.equal(parts.filter((p) => p.type === 'image_url').length, 3, 'three keyframes');
    assert.ok(parts.every((p) => p.type !== 'image_url' || p.image_url!.url.startsWith('data:image/jpeg;base64,')));
    assert.match(parts[0]!.text!, /밤마다 한강에서 달리는 크루/, 'the script goes with the frames');

    assert.equal(outcome.plan.planner, 'model:fake/editor-model');
    assert.deepEqual(outcome.plan.verdict, { matchesStory: false, problems: ['the pictures show a test card, not runners'] });
    assert.equal(outcome.plan.cuts[0]!.reason, 'model: a repeated frame');
    assert.equal(outcome.plan.emphasis.length, 1);
    assert.equal(outcome.rendered.video, 'encode', 'emphasis needs the picture re-encoded');
    assert.ok(Math.abs(outcome.qa.figures.durationS - 3.6) < 0.05, `one 0.4 s cut: ${outcome.qa.figures.durationS}`);
    assert.deepEqual(outcome.plan.subtitles.map((cue) => cue.startS), [0, 2]);
  });

  it('repairs one invalid answer and gives up on a second, with a non-retryable error', async () => {
    const input = await makeInput(dir.file('bad.mp4'), { durationS: 2 });
    const chat = new ChatClient({ baseUrl: url, model: 'fake/editor-model', timeoutMs: 10_000 });
    const planner = modelPlanner(chat, { frames: 1, frameSide: 128, maxTokens: 400, timeoutMs: 60_000 });
    server.next(chatReply.invalidJson(server), chatReply.invalidJson(server));
    await assert.rejects(editVideo(input, SCRIPT, { ...(await editOptions(dir)), planner }), (error: unknown) => {
      assert.ok(error instanceof LlmError, String(error));
      assert.equal(error.code, 'invalid-output');
      assert.equal(error.retryable, false);
      return true;
    });
  });
});
