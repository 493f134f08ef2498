import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogError } from '../src/catalog.errors.js';
import { StoryRepository } from '../src/repositories/story.repository.js';
import { VideoJobRepository } from '../src/repositories/video-job.repository.js';
import { VideoJobService } from '../src/video-job.service.js';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

for (const dialect of DIALECTS) {
  describe(`catalog video jobs and video details (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let jobs: VideoJobService;
    let storyId: number;

    before(async () => {
      a = await Replica.open(db);
      jobs = new VideoJobService(new VideoJobRepository(a.dataSource), new StoryRepository(a.dataSource));
      const articleId = (await a.catalog.upsertArticle(articleRequest(1))).articleId;
      const trend = await a.production.createTrend({
        text: 't', category: 'life', windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-02T00:00:00Z', score: 1, detector: 'd', articleIds: [articleId],
      });
      storyId = (await a.production.createStory({ trendId: trend.trendId, articleId, model: 'llm', standIn: true, textKey: 'stories/1.json', variant: 0 })).storyId;
    });
    after(async () => {
      await a?.close();
      await db.drop();
    });

    it('records a job before waiting, returns the latest attempt, and keeps the first job id of an attempt', async () => {
      const key = { storyId, model: 'ltx-2', variant: 0, part: 0 };
      assert.equal((await jobs.latest(key)).job, null);
      const first = await jobs.record({ ...key, attempt: 1, jobId: 'video_a', status: 'submitted' });
      assert.equal(first.created, true);
      const race = await jobs.record({ ...key, attempt: 1, jobId: 'video_b', status: 'submitted' });
      assert.equal(race.created, false);
      assert.equal(race.job.jobId, 'video_a', 'the first recorded job wins; the loser cancels its own');
      const expired = await jobs.record({ ...key, attempt: 1, jobId: 'video_a', status: 'expired', error: 'content expired before download' });
      assert.equal(expired.job.status, 'expired');
      await jobs.record({ ...key, attempt: 2, jobId: 'video_c', status: 'submitted' });
      const latest = (await jobs.latest(key)).job;
      assert.equal(latest?.attempt, 2);
      assert.equal(latest?.jobId, 'video_c');
      assert.equal((await jobs.latest({ ...key, part: 3 })).job, null, 'parts are apart');
      assert.equal(await a.count('video_job'), 2, 'rows are kept');
      const old = await a.dataSource.query(`SELECT status, error FROM video_job WHERE job_id = 'video_a'`);
      assert.deepEqual(old.map((r: { status: string; error: string }) => [r.status, r.error]), [['expired', 'content expired before download']]);
    });

    it('refuses a job for an unknown story', async () => {
      await assert.rejects(jobs.record({ storyId: 999_999, model: 'm', variant: 0, part: 0, attempt: 1, jobId: 'x', status: 'submitted' }), (e) => e instanceof CatalogError && e.code === 'not-found');
    });

    it('stores where a video got its sound and its frame', async () => {
      const v = await a.production.createVideo({
        storyId, model: 'standin-ffmpeg', standIn: true, fileKey: 'generated/v.mp4', durationS: 12.5, hasAudio: true,
        generatedAt: '2026-01-02T00:00:00Z', variant: 0, narrationSource: 'espeak-ng:ko', width: 1080, height: 1920, fps: 30,
      });
      const rows = await a.dataSource.query(`SELECT narration_source, width, height, fps FROM video WHERE id = ${v.videoId}`);
      assert.deepEqual({ ...rows[0], fps: Number(rows[0].fps) }, { narration_source: 'espeak-ng:ko', width: 1080, height: 1920, fps: 30 });
    });
  });
}
