import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { audioDuration, MediaInputError, probe } from '#media';
import { FakeAvServer } from '#media/testing';
import { SpeechClient } from '../src/speech.client.js';
import { VideoContentExpiredError, VideoJobClient, VideoJobNotFoundError, VideoModelError } from '../src/video-job.client.js';

const FAST_RETRY = { maxRetries: 3, minBackoffMs: 10, maxBackoffMs: 50, maxRetryAfterMs: 2000 };

describe('video job client against the fake AV server', () => {
  let dir: string;
  let fake: FakeAvServer;
  let client: VideoJobClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'avgen-client-'));
    fake = await FakeAvServer.start({ stateFile: join(dir, 'state.json'), queuedMs: 30, jobMs: 600, apiKey: 'sk-test', fps: 24 });
    client = new VideoJobClient({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', retry: FAST_RETRY, timeoutMs: 10_000 });
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Polls until the job is done (completed or failed). */
  async function until(id: string): Promise<void> {
    for (;;) {
      const job = await client.get(id);
      if (job.status === 'completed' || job.status === 'failed') return;
      await sleep(30);
    }
  }

  const request = { model: 'fake-av', prompt: '성수동 카페', seconds: 2, size: '360x640' };

  it('creates a job, reports timed progress, and serves real MP4 content with sound', async () => {
    const job = await client.create(request, 'k-1');
    assert.equal(job.status, 'queued');
    assert.equal(job.hasAudio, true);
    assert.equal(job.fps, 24);
    const seen: string[] = [];
    let done = job;
    while (done.status !== 'completed') {
      await sleep(20);
      done = await client.get(job.id);
      seen.push(`${done.status}:${done.progress}`);
    }
    assert.ok(seen.some((s) => /^in_progress:([1-9]|[1-9]\d)$/.test(s)), `progress seen: ${seen.join(' ')}`);
    assert.equal(done.status, 'completed');
    assert.equal(done.progress, 100);
    assert.ok(done.expiresAt && done.expiresAt.getTime() > Date.now());
    const { stream } = await client.content(job.id);
    const file = join(dir, 'content.mp4');
    await pipeline(stream, createWriteStream(file));
    const probed = await probe(file);
    assert.equal(probed.video?.codec, 'h264');
    assert.ok(probed.audio, 'has_audio content carries sound');
    assert.ok(Math.abs((probed.durationS ?? 0) - 2) < 0.2);
  });

  it('answers a repeated create with the same Idempotency-Key with the same job', async () => {
    const a = await client.create(request, 'k-same');
    const b = await client.create(request, 'k-same');
    assert.equal(a.id, b.id);
  });

  it('retries 429 after the Retry-After it was given', async () => {
    fake.rateLimitNext(2, 0.2);
    const started = Date.now();
    const job = await client.create(request, 'k-429');
    assert.ok(job.id);
    assert.ok(Date.now() - started >= 350, 'waited twice for Retry-After');
    assert.equal(fake.calls.filter((c) => c.status === 429).length, 2);
  });

  it('gives up on 429 after its retries, with the status and code', async () => {
    fake.rateLimitNext(10, 0);
    await assert.rejects(client.get('video_x'), (error: unknown) => error instanceof VideoModelError && error.status === 429 && error.code === 'rate_limit_exceeded');
    fake.rateLimitNext(0);
  });

  it('reports a failed job with its error code', async () => {
    fake.failNext('moderation_blocked', 'The prompt was blocked');
    const job = await client.create(request, 'k-fail');
    await until(job.id);
    const failed = await client.get(job.id);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { code: 'moderation_blocked', message: 'The prompt was blocked' });
  });

  it('says when content expired, and when a job is unknown or deleted', async () => {
    const job = await client.create(request, 'k-exp');
    await until(job.id);
    await fake.expire(job.id);
    const expired = await client.get(job.id);
    assert.ok(expired.expiresAt && expired.expiresAt.getTime() <= Date.now(), 'expires_at is in the past');
    await assert.rejects(client.content(job.id), VideoContentExpiredError);
    await client.delete(job.id);
    await assert.rejects(client.get(job.id), VideoJobNotFoundError);
    await assert.rejects(client.get('video_unknown'), VideoJobNotFoundError);
  });

  it('refuses a wrong key without leaking it', async () => {
    const bad = new VideoJobClient({ baseUrl: fake.url, apiKey: 'sk-wrong-secret', retry: FAST_RETRY });
    await assert.rejects(bad.get('video_x'), (error: unknown) => error instanceof VideoModelError && error.status === 401 && !error.message.includes('sk-wrong-secret'));
  });

  it('keeps jobs across a server restart (same state file)', async () => {
    const job = await client.create({ ...request, seconds: 1 }, 'k-restart');
    const port = fake.port;
    await fake.close();
    fake = await FakeAvServer.start({ stateFile: join(dir, 'state.json'), port, queuedMs: 30, jobMs: 200, apiKey: 'sk-test', fps: 24 });
    await until(job.id);
    const again = await client.get(job.id);
    assert.equal(again.status, 'completed');
  });

  it('speech: writes audio, and empty audio is refused where it is used', async () => {
    const speech = new SpeechClient({ baseUrl: fake.url, model: 'tts-fake', voice: 'alloy', apiKey: 'sk-test', retry: FAST_RETRY });
    const file = join(dir, 'speech.wav');
    await speech.speak('안녕하세요, 오늘의 트렌드입니다.', file);
    assert.ok((await audioDuration(file)) > 0.5);
    fake.emptySpeechNext();
    const empty = join(dir, 'empty.wav');
    await speech.speak('안녕하세요', empty);
    assert.equal((await stat(empty)).size, 0);
    await assert.rejects(audioDuration(empty, 'scene 1: narration'), (error: unknown) => error instanceof MediaInputError && /scene 1: narration: the file is empty/.test(error.message));
  });
});
