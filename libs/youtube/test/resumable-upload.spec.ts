import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FakeFault, FakeYoutube } from '../src/fake/fake-youtube.server.js';
import { CHUNK_GRANULE, ResumableUploader } from '../src/resumable-upload.js';
import { YoutubeAuthRevokedError, YoutubeQuotaError, YoutubeTransientError } from '../src/youtube.errors.js';
import { fakeWithChannel, KIB, memorySource, metadata, noSleep } from './youtube-fixture.js';

const CHUNK = 2 * CHUNK_GRANULE;
const SIZE = 5 * CHUNK + 123_457; // not a multiple: the last chunk is short

describe('resumable upload against the fake YouTube', () => {
  const fakes: FakeYoutube[] = [];
  after(async () => {
    for (const fake of fakes) await fake.stop();
  });

  async function setup(options: ConstructorParameters<typeof FakeYoutube>[0] = {}) {
    const env = await fakeWithChannel(options);
    fakes.push(env.fake);
    const sessions: string[] = [];
    const uploader = new ResumableUploader(env.client, { chunkBytes: CHUNK, sleep: noSleep, maxRetries: 4 });
    const source = memorySource(SIZE);
    const job = (sessionUri: string | null = null) => ({ metadata: metadata(), source, sessionUri, onSession: async (uri: string) => void sessions.push(uri) });
    return { ...env, sessions, uploader, source, job };
  }

  it('uploads in 256 KiB multiples, follows partial acceptance by the Range header, and the bytes arrive intact', async () => {
    const { fake, uploader, source, job, sessions, channelId } = await setup({ partialAcceptance: 0.6, seed: 7 });
    const result = await uploader.upload(job());
    assert.equal(sessions.length, 1, 'one session, persisted before the first byte');
    assert.equal(result.sessionsStarted, 1);
    const [video] = fake.videosOf(channelId);
    assert.equal(video!.sha256, source.sha256);
    assert.equal(video!.bytes, SIZE);
    assert.equal(result.video.id, video!.id);
    assert.ok(result.chunks > Math.ceil(SIZE / CHUNK), `partial acceptance made re-sends (${result.chunks} chunks)`);
    assert.equal(result.video.status?.privacyStatus, 'private');
  });

  const faults: [string, FakeFault[]][] = [
    ['a 503 from the token endpoint', [{ step: 'token', status: 503 }]],
    ['a 500 and a cut connection when opening the session', [{ step: 'start', status: 500 }, { step: 'start', drop: true }]],
    ['500, 502, 503 and 504 on chunks', [500, 502, 503, 504].map((status) => ({ step: 'chunk', status }) as FakeFault)],
    ['a connection cut in the middle of a chunk body', [{ step: 'chunk', drop: true, afterBytes: 300 * KIB }]],
    ['a cut chunk followed by a 503 on the status query', [{ step: 'chunk', drop: true, afterBytes: 100 * KIB }, { step: 'status', status: 503 }]],
  ];
  for (const [name, injected] of faults) {
    it(`survives ${name} with one session and one intact video`, async () => {
      const { fake, uploader, source, job, sessions, channelId } = await setup();
      fake.inject(...injected);
      const result = await uploader.upload(job());
      assert.equal(fake.pendingFaults(), 0, 'every fault fired');
      assert.equal(sessions.length, 1);
      const videos = fake.videosOf(channelId);
      assert.equal(videos.length, 1);
      assert.equal(videos[0]!.sha256, source.sha256);
      assert.ok(result.bytesSent - SIZE <= injected.length * CHUNK, `re-sent ${result.bytesSent - SIZE} bytes`);
    });
  }

  it('refreshes the token on a 401 mid-upload and resumes the same session', async () => {
    const { fake, uploader, source, job, sessions, channelId } = await setup();
    let expired = false;
    const run = job();
    const result = await uploader.upload({
      ...run,
      onProgress: (received) => {
        if (!expired && received >= CHUNK) {
          expired = true;
          fake.expireAccessTokens();
        }
      },
    });
    assert.ok(expired);
    assert.equal(sessions.length, 1);
    assert.equal(fake.calls.token, 2, 'one refresh after the 401');
    assert.equal(fake.videosOf(channelId)[0]!.sha256, source.sha256);
    assert.equal(result.sessionsStarted, 1);
  });

  it('starts a new session when the session is gone (404 on a chunk, 410 on a status query)', async () => {
    for (const injected of [[{ step: 'chunk', status: 404 }], [{ step: 'chunk', status: 503 }, { step: 'status', status: 410 }]] as FakeFault[][]) {
      const { fake, uploader, source, job, sessions, channelId } = await setup();
      fake.inject(...injected);
      const result = await uploader.upload(job());
      assert.equal(sessions.length, 2, 'the new session was persisted too');
      assert.equal(result.sessionsStarted, 2);
      const videos = fake.videosOf(channelId);
      assert.equal(videos.length, 1);
      assert.equal(videos[0]!.sha256, source.sha256);
    }
  });

  it('resumes a recorded session after a crash without opening another one', async () => {
    const { fake, client, source, job, sessions, channelId } = await setup();
    let puts = 0;
    const crashing = new ResumableUploader(client, { chunkBytes: CHUNK, sleep: noSleep });
    await assert.rejects(
      crashing.upload({
        ...job(),
        onProgress: () => {
          if (++puts === 2) throw new Error('process killed');
        },
      }),
      /process killed/,
    );
    assert.equal(sessions.length, 1);
    const again = new ResumableUploader(client, { chunkBytes: CHUNK, sleep: noSleep });
    const result = await again.upload(job(sessions[0]!));
    assert.equal(result.sessionsStarted, 0);
    assert.equal(result.resumedAt, 2 * CHUNK);
    assert.equal(sessions.length, 1);
    assert.equal(fake.videosOf(channelId).length, 1);
    assert.equal(fake.videosOf(channelId)[0]!.sha256, source.sha256);
    // A finished session answers with its video: a redelivery after success uploads nothing.
    const repeat = await again.upload(job(sessions[0]!));
    assert.equal(repeat.video.id, result.video.id);
    assert.equal(repeat.bytesSent, 0);
    assert.equal(fake.videosOf(channelId).length, 1);
  });

  it('re-sends at most one chunk per fault at three byte offsets', async () => {
    const { fake, uploader, source, job, channelId } = await setup();
    fake.failAtBytes(CHUNK + 1000, 3 * CHUNK + 5, SIZE - 10);
    const result = await uploader.upload(job());
    assert.equal(fake.pendingFaults(), 0);
    assert.equal(fake.videosOf(channelId)[0]!.sha256, source.sha256);
    assert.ok(result.bytesSent - SIZE <= 3 * CHUNK, `re-sent ${result.bytesSent - SIZE} bytes for 3 faults`);
  });

  it('reports quotaExceeded and uploadLimitExceeded as quota errors, without retrying', async () => {
    for (const reason of ['quotaExceeded', 'uploadLimitExceeded'] as const) {
      const { fake, uploader, job } = await setup();
      fake.inject({ step: 'start', reason });
      await assert.rejects(uploader.upload(job()), (error: unknown) => error instanceof YoutubeQuotaError && error.reason === reason);
      assert.equal(fake.calls.start, 1);
    }
    const { fake, uploader, job, channelId } = await setup({ limits: { uploads: 1, general: 10_000 } });
    await uploader.upload(job());
    await assert.rejects(uploader.upload(job()), (error: unknown) => error instanceof YoutubeQuotaError && error.reason === 'quotaExceeded');
    assert.equal(fake.videosOf(channelId).length, 1);
  });

  it('reports a revoked refresh token as invalid_grant with what to do', async () => {
    const { fake, uploader, job, refreshToken } = await setup();
    fake.revoke(refreshToken);
    await assert.rejects(uploader.upload(job()), (error: unknown) => {
      assert.ok(error instanceof YoutubeAuthRevokedError);
      assert.match(error.message, /invalid_grant/);
      assert.match(error.message, /Authorise the channel again/);
      assert.doesNotMatch(error.message, new RegExp(refreshToken), 'no secret in the message');
      return true;
    });
  });

  it('gives up after repeated failures with a transient error (the message is retried later)', async () => {
    const { fake, uploader, job } = await setup();
    fake.inject(...Array.from({ length: 12 }, () => ({ step: 'chunk', status: 503 }) as FakeFault));
    await assert.rejects(uploader.upload(job()), YoutubeTransientError);
  });
});
