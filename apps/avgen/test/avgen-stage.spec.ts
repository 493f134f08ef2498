import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { CatalogVideoJobLatestV1, CatalogVideoJobRecordV1, type StoryScriptV1 } from '#contracts';
import { probe } from '#media';
import { FakeAvServer } from '#media/testing';
import { waitFor } from '#testing';
import { AvgenHarness } from './avgen.fixture.js';

function script(scenes: Partial<StoryScriptV1['scenes'][number]>[]): StoryScriptV1 {
  return {
    title: '성수동 카페 열풍',
    hook: '왜 모두 성수동으로 갈까?',
    language: 'ko',
    hashtags: ['성수동'],
    sourceUrl: 'https://news.example/a',
    scenes: scenes.map((s) => ({ narration: '요즘 성수동 카페가 인기입니다.', onScreen: '', mediaId: null, startS: null, endS: null, durationS: 1, ...s })),
  };
}

async function jpeg(color: string): Promise<Buffer> {
  return sharp({ create: { width: 480, height: 360, channels: 3, background: color } }).jpeg().toBuffer();
}

describe('avgen stage', () => {
  let h: AvgenHarness;
  let dir: string;

  before(async () => {
    h = await AvgenHarness.start({ ackWait: '10s' });
    dir = await mkdtemp(join(tmpdir(), 'avgen-spec-'));
  });
  after(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The stored video, downloaded and probed. */
  async function stored(fileKey: string) {
    const path = join(dir, `${Math.random()}.mp4`);
    await h.files.download(fileKey, path);
    return probe(path);
  }

  describe('with the embedded stand-in (default)', () => {
    before(async () => {
      await h.startAvgen();
    });
    after(async () => {
      await h.stopAvgen();
    });

    it('renders a Korean story into a stored, recorded, narrated video and announces it', async () => {
      const story = await h.story((ids) => script([{ mediaId: ids[0]!, durationS: 1.5 }, { narration: '여러분의 생각은?', onScreen: '성수동', durationS: 1 }]), [
        { kind: 'image', bytes: await jpeg('#2060c0'), ext: 'jpg' },
      ]);
      await h.publish(story);
      const video = await h.generated(story.storyId);
      assert.equal(video.model, 'standin-ffmpeg');
      assert.equal(video.standIn, true);
      assert.equal(video.hasAudio, true);
      assert.equal(video.narrationSource, 'espeak-ng:ko');
      assert.match(video.fileKey, new RegExp(`^generated/.*/${story.storyId}/video\\.mp4$`));
      const probed = await stored(video.fileKey);
      assert.equal(probed.video?.width, 360);
      assert.equal(probed.video?.height, 640);
      assert.ok(probed.audio && probed.faststart);
      assert.ok(Math.abs((probed.durationS ?? 0) - video.durationS) < 0.05);
      // Registered for retention as an unpublished generated video: never evicted before publication.
      const row = await h.bus.requests.request(CatalogVideoJobLatestV1, { storyId: story.storyId, model: 'x', variant: 0, part: 0 });
      assert.equal(row.job, null, 'the stand-in submits no model job');
      const registered = await waitFor('the registry row', () => (h.query('SELECT file_class FROM file_registry WHERE file_key = ?', video.fileKey) as { file_class: string }[])[0], 10_000, 100);
      assert.deepEqual({ ...registered }, { file_class: 'generated-unpublished' });
      const [row2] = h.query('SELECT model, stand_in, narration_source, width, height, fps, has_audio FROM video WHERE id = ?', video.videoId) as Record<string, unknown>[];
      assert.deepEqual({ ...row2 }, { model: 'standin-ffmpeg', stand_in: 1, narration_source: 'espeak-ng:ko', width: 360, height: 640, fps: 30, has_audio: 1 });
    });

    it('dead-letters a script that is not a valid StoryScriptV1, with the reason', async () => {
      const story = await h.story(() => ({ title: 'x', scenes: [] }));
      await h.publish(story);
      const dead = await h.deadLetter(story.storyId);
      assert.equal(dead.reason, 'poison');
      assert.match(dead.error, /not a valid StoryScriptV1: .*hook/);
    });

    it('dead-letters a story whose picked image is corrupt, naming the scene', async () => {
      const good = await jpeg('#ff0000');
      const corrupt = Buffer.concat([good.subarray(0, 300), Buffer.alloc(400, 0x33)]);
      const story = await h.story((ids) => script([{ durationS: 0.5 }, { mediaId: ids[0]! }]), [{ kind: 'image', bytes: corrupt, ext: 'jpg' }]);
      await h.publish(story);
      const dead = await h.deadLetter(story.storyId);
      assert.equal(dead.reason, 'poison');
      assert.match(dead.error, /scene 2: image media \d+: not a readable image/);
    });
  });

  describe('with an AV model pod (fake job server)', () => {
    let fake: FakeAvServer;
    const stateFile = () => join(dir, 'fake', 'state.json');
    const env = (extra: Record<string, string> = {}) => ({
      AVGEN_BACKEND: 'http',
      AVGEN_URL: fake.url,
      AVGEN_MODEL: 'fake-av',
      AVGEN_API_KEY: 'sk-test',
      AVGEN_SIZE: '360x640',
      AVGEN_POLL_MS: '50',
      ...extra,
    });

    before(async () => {
      fake = await FakeAvServer.start({ stateFile: stateFile(), queuedMs: 30, jobMs: 300, apiKey: 'sk-test' });
    });
    after(async () => {
      await h.stopAvgen();
      await fake?.close();
    });

    it('one job for a short story with sound: recorded before waiting, streamed to the file server', async () => {
      await h.startAvgen(env());
      const story = await h.story((ids) => script([{ mediaId: ids[0]!, durationS: 2 }]), [{ kind: 'image', bytes: await jpeg('#208040'), ext: 'jpg' }]);
      const before = fake.created;
      await h.publish(story);
      const video = await h.generated(story.storyId);
      assert.equal(video.model, 'fake-av');
      assert.equal(video.standIn, false);
      assert.equal(video.narrationSource, 'model');
      assert.equal(fake.created, before + 1);
      const { job } = await h.bus.requests.request(CatalogVideoJobLatestV1, { storyId: story.storyId, model: 'fake-av', variant: 0, part: 0 });
      assert.equal(job?.status, 'completed');
      assert.equal(job?.attempt, 1);
      const probed = await stored(video.fileKey);
      assert.ok(probed.audio, 'the model clip kept its sound');
      await h.stopAvgen();
    });

    it('a video-only model, scene by scene: espeak-ng narration muxed in, clips joined without drift', async () => {
      await fake.close();
      fake = await FakeAvServer.start({ stateFile: join(dir, 'fake-silent', 'state.json'), queuedMs: 20, jobMs: 200, apiKey: 'sk-test', hasAudio: false });
      await h.startAvgen(env({ AVGEN_GRANULARITY: 'scene' }));
      const story = await h.story(() => script([{ durationS: 1 }, { narration: '두 번째 장면입니다.', durationS: 1.2 }]));
      await h.publish(story);
      const video = await h.generated(story.storyId);
      assert.equal(video.narrationSource, 'espeak-ng:ko');
      assert.equal(fake.created, 2, 'one job per scene');
      const probed = await stored(video.fileKey);
      assert.ok(probed.audio);
      assert.equal(probed.video?.width, 360);
      assert.ok(Math.abs((probed.audio!.durationS ?? 0) - (probed.video!.durationS ?? 0)) < 0.05, 'audio and video end together');
      await h.stopAvgen();
    });

    it('content that expired is generated again, with the reason in the job ledger', async () => {
      await fake.close();
      fake = await FakeAvServer.start({ stateFile: stateFile(), queuedMs: 20, jobMs: 150, apiKey: 'sk-test' });
      const story = await h.story(() => script([{ durationS: 1 }]));
      // An earlier run finished a job but died before downloading; by now its content is gone.
      const old = await (await fetch(`${fake.url}/v1/videos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'fake-av', prompt: 'p', seconds: '1', size: '360x640' }),
      })).json() as { id: string };
      await h.bus.requests.request(CatalogVideoJobRecordV1, { storyId: story.storyId, model: 'fake-av', variant: 0, part: 0, attempt: 1, jobId: old.id, status: 'submitted' });
      await new Promise((r) => setTimeout(r, 200));
      await fake.expire(old.id);
      await h.startAvgen(env());
      await h.publish(story);
      await h.generated(story.storyId);
      const { job } = await h.bus.requests.request(CatalogVideoJobLatestV1, { storyId: story.storyId, model: 'fake-av', variant: 0, part: 0 });
      assert.equal(job?.attempt, 2);
      assert.notEqual(job?.jobId, old.id);
      const rows = h.query('SELECT attempt, status, error FROM video_job WHERE story_id = ? ORDER BY attempt', story.storyId) as { attempt: number; status: string; error: string | null }[];
      assert.deepEqual(rows.map((r) => [r.attempt, r.status]), [[1, 'expired'], [2, 'completed']]);
      assert.match(rows[0]!.error ?? '', /content expired before download/);
      await h.stopAvgen();
    });

    it('a job the model fails for its content is dead-lettered with the error code', async () => {
      await h.startAvgen(env());
      fake.failNext('moderation_blocked', 'The prompt was blocked');
      const story = await h.story(() => script([{ durationS: 1 }]));
      await h.publish(story);
      const dead = await h.deadLetter(story.storyId);
      assert.equal(dead.reason, 'poison');
      assert.match(dead.error, /refused the job .*moderation_blocked/);
      await h.stopAvgen();
    });

    it('a stage restart mid-job (and a model server restart) resumes the same job id instead of paying again', async () => {
      await fake.close();
      fake = await FakeAvServer.start({ stateFile: stateFile(), queuedMs: 100, jobMs: 4000, apiKey: 'sk-test' });
      await h.startAvgen(env());
      const story = await h.story(() => script([{ durationS: 1 }]));
      const createdBefore = fake.created;
      await h.publish(story);
      const first = await waitFor('the submitted job', async () => (await h.bus.requests.request(CatalogVideoJobLatestV1, { storyId: story.storyId, model: 'fake-av', variant: 0, part: 0 })).job, 20_000, 50);
      assert.equal(first.status, 'submitted');
      await h.stopAvgen();
      const port = fake.port;
      await fake.close();
      fake = await FakeAvServer.start({ stateFile: stateFile(), port, queuedMs: 100, jobMs: 4000, apiKey: 'sk-test' });
      await h.startAvgen(env());
      const video = await h.generated(story.storyId, 60_000);
      assert.equal(video.model, 'fake-av');
      assert.equal(fake.created, createdBefore + 1, 'no second job was paid for');
      const { job } = await h.bus.requests.request(CatalogVideoJobLatestV1, { storyId: story.storyId, model: 'fake-av', variant: 0, part: 0 });
      assert.equal(job?.jobId, first.jobId);
      assert.equal(job?.attempt, 1);
      assert.equal(job?.status, 'completed');
    });
  });
});
