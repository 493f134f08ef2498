import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogError } from '../src/catalog.errors.js';
import { PublisherCatalogService } from '../src/publisher.service.js';
import { ArticleRepository } from '../src/repositories/article.repository.js';
import { CategoryRepository } from '../src/repositories/category.repository.js';
import { EditRepository } from '../src/repositories/edit.repository.js';
import { PublicationRepository } from '../src/repositories/publication.repository.js';
import { PublisherRepository } from '../src/repositories/publisher.repository.js';
import { StoryRepository } from '../src/repositories/story.repository.js';
import { TrendRepository } from '../src/repositories/trend.repository.js';
import { VideoRepository } from '../src/repositories/video.repository.js';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

const isCode = (code: string) => (e: unknown) => e instanceof CatalogError && e.code === code;

function publisherService(replica: Replica): PublisherCatalogService {
  const ds = replica.dataSource;
  return new PublisherCatalogService(
    new PublisherRepository(ds),
    new EditRepository(ds),
    new VideoRepository(ds),
    new StoryRepository(ds),
    new TrendRepository(ds),
    new ArticleRepository(ds),
    new CategoryRepository(ds),
    new PublicationRepository(ds),
  );
}

for (const dialect of DIALECTS) {
  describe(`catalog publisher tables (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let b: Replica;
    let pa: PublisherCatalogService;
    let pb: PublisherCatalogService;
    let editId: number;

    before(async () => {
      a = await Replica.open(db);
      b = await Replica.open(db);
      pa = publisherService(a);
      pb = publisherService(b);
      const articleId = (await a.catalog.upsertArticle(articleRequest(1, { category: 'economy' }))).articleId;
      const t = await a.production.createTrend({
        text: 'trend',
        category: 'life',
        windowStart: '2026-01-01T00:00:00Z',
        windowEnd: '2026-01-02T00:00:00Z',
        score: 1,
        detector: 'd',
        articleIds: [articleId],
      });
      const s = await a.production.createStory({ trendId: t.trendId, articleId, model: 'llm', standIn: true, textKey: 'stories/1.json', variant: 0 });
      const v = await a.production.createVideo({ storyId: s.storyId, model: 'av', standIn: true, fileKey: 'videos/1.mp4', durationS: 30, hasAudio: true, generatedAt: '2026-01-02T01:00:00Z', variant: 0 });
      editId = (await a.production.createEdit({ videoId: v.videoId, editor: 'ffmpeg', standIn: true, platformProfile: 'youtube-shorts', fileKey: 'edits/1.mp4', durationS: 30, editedAt: '2026-01-02T02:00:00Z' })).editId;
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await db.drop();
    });

    it('gives the publisher an edit with its story, trend category and source article', async () => {
      const context = await pa.uploadContext(editId, 'youtube');
      assert.equal(context.edit.fileKey, 'edits/1.mp4');
      assert.equal(context.story.textKey, 'stories/1.json');
      assert.equal(context.trend.category, 'life');
      assert.equal(context.article.url, 'https://news.example.kr/article/1');
      assert.equal(context.article.category, 'economy');
      assert.equal(context.upload, null);
      await assert.rejects(pa.uploadContext(999_999, 'youtube'), isCode('not-found'));
    });

    it('claims one upload per (edit, platform): the first channel stays, the session URI counts sessions', async () => {
      const claims = await Promise.all([
        pa.claimUpload({ editId, platform: 'youtube', channel: 'main-ko' }),
        pb.claimUpload({ editId, platform: 'youtube', channel: 'other' }),
        pa.claimUpload({ editId, platform: 'youtube', channel: 'main-ko' }),
      ]);
      assert.equal(claims.filter((c) => c.created).length, 1);
      assert.equal(new Set(claims.map((c) => c.upload.uploadId)).size, 1);
      const winner = claims.find((c) => c.created)!.upload.channel;
      assert.ok(claims.every((c) => c.upload.channel === winner));
      const id = claims[0]!.upload.uploadId;
      let upload = await pa.updateUpload({ uploadId: id, status: 'uploading', sessionUri: 'http://127.0.0.1:1/upload?upload_id=a' });
      upload = await pb.updateUpload({ uploadId: id, sessionUri: 'http://127.0.0.1:1/upload?upload_id=a' });
      assert.equal(upload.sessions, 1, 'the same URI again is not a new session');
      upload = await pa.updateUpload({ uploadId: id, status: 'uploaded', externalId: 'AbC123xyz_-' });
      assert.equal(upload.externalId, 'AbC123xyz_-');
      await assert.rejects(pa.updateUpload({ uploadId: id, externalId: 'abc123XYZ_-' }), isCode('conflict'));
      const context = await pb.uploadContext(editId, 'youtube');
      assert.equal(context.upload?.sessionUri, 'http://127.0.0.1:1/upload?upload_id=a');
      assert.equal(context.upload?.status, 'uploaded');
    });

    it('draws quota atomically within the limit, per channel, day and bucket', async () => {
      const day = '2026-11-29';
      const draws = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? pa : pb).reserveQuota({ platform: 'youtube', channel: 'quota-ch', day, bucket: 'general', units: 50, limit: 400 })),
      );
      assert.equal(draws.filter((d) => d.granted).length, 8);
      const usage = await pa.quotaUsage('youtube', 'quota-ch', day);
      assert.deepEqual(usage.buckets.map((b) => [b.bucket, b.units]), [['general', 400]]);
      const next = await pa.reserveQuota({ platform: 'youtube', channel: 'quota-ch', day: '2026-11-30', bucket: 'general', units: 50, limit: 400 });
      assert.equal(next.granted, true, 'a new quota day starts empty');
      const exhausted = await pa.reserveQuota({ platform: 'youtube', channel: 'quota-ch', day: '2026-11-30', bucket: 'uploads', units: 0, limit: 100, exhaust: true });
      assert.equal(exhausted.used, 100);
      assert.equal((await pa.reserveQuota({ platform: 'youtube', channel: 'quota-ch', day: '2026-11-30', bucket: 'uploads', units: 1, limit: 100 })).granted, false);
    });

    it('pauses, disables and re-enables a channel, and records it on publications', async () => {
      const synced = await pa.syncChannels('youtube', ['main-ko', 'news-ko']);
      assert.deepEqual(synced.channels.map((c) => c.status), ['active', 'active']);
      const paused = await pa.setChannel({ platform: 'youtube', name: 'news-ko', status: 'paused', pausedUntil: '2026-11-30T08:00:00Z', reason: 'quotaExceeded' });
      assert.equal(paused.pausedUntil, '2026-11-30T08:00:00.000Z');
      const active = await pb.setChannel({ platform: 'youtube', name: 'news-ko', status: 'active', externalId: 'UCnews' });
      assert.equal(active.pausedUntil, null);
      await assert.rejects(pa.setChannel({ platform: 'youtube', name: 'news-ko', externalId: 'UCother' }), isCode('conflict'));
      const recorded = await a.production.recordPublication({
        editId,
        platform: 'youtube',
        account: 'main-ko',
        externalId: 'AbC123xyz_-',
        url: 'https://www.youtube.com/watch?v=AbC123xyz_-',
        publishedAt: '2026-11-29T10:00:00Z',
        title: 'A title',
        privacyStatus: 'private',
        uploadStatus: 'uploaded',
      });
      await pb.setPublicationStatus({ publicationId: recorded.publicationId, uploadStatus: 'rejected', rejectionReason: 'duplicate', checkedAt: '2026-11-29T10:05:00Z' });
      const got = await b.production.getPublication(recorded.publicationId, 10);
      assert.equal(got.publication.channelId, synced.channels[0]!.channelId);
      assert.equal(got.publication.privacyStatus, 'private');
      assert.equal(got.publication.uploadStatus, 'rejected');
      assert.equal(got.publication.rejectionReason, 'duplicate');
      assert.equal(got.publication.title, 'A title');
    });

    it('keeps one snapshot per schedule slot and one analytics row per day, never rewritten', async () => {
      const pub = (await a.production.listPublications({ from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', pageSize: 10 })).publications[0]!;
      const slot = '2026-11-29T11:00:00.000Z';
      const first = await a.production.addMetric({ publicationId: pub.publicationId, views: 10, likes: 1, comments: 0, capturedAt: '2026-11-29T11:00:05Z', slotAt: slot, source: 'youtube.videos.list' });
      const again = await b.production.addMetric({ publicationId: pub.publicationId, views: 12, likes: 1, comments: 0, capturedAt: '2026-11-29T11:03:00Z', slotAt: slot, source: 'youtube.videos.list' });
      assert.equal(again.created, false);
      assert.equal(again.snapshotId, first.snapshotId);
      await a.production.addMetric({ publicationId: pub.publicationId, views: 30, likes: 2, comments: 1, capturedAt: '2026-11-29T12:00:04Z', slotAt: '2026-11-29T12:00:00Z', source: 'youtube.videos.list' });
      const got = await a.production.getPublication(pub.publicationId, 10);
      assert.deepEqual(got.metrics.map((m) => m.views), [10, 30]);
      assert.equal(got.metrics[0]!.source, 'youtube.videos.list');
      const daily = await pa.addDaily({ publicationId: pub.publicationId, days: [{ day: '2026-11-27', views: 5 }, { day: '2026-11-28', views: 9 }], source: 'youtube.analytics', capturedAt: '2026-11-30T00:00:00Z' });
      assert.deepEqual(daily, { created: 2, existing: 0 });
      const repeat = await pb.addDaily({ publicationId: pub.publicationId, days: [{ day: '2026-11-28', views: 99 }], source: 'youtube.analytics', capturedAt: '2026-12-01T00:00:00Z' });
      assert.deepEqual(repeat, { created: 0, existing: 1 });
      assert.equal(await a.count('metric_daily', "views = 9"), 1);
    });
  });
}
