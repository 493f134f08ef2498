import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogError } from '../src/catalog.errors.js';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

const DAY = 86_400_000;
const isCode = (code: string) => (e: unknown) => e instanceof CatalogError && e.code === code;

for (const dialect of DIALECTS) {
  describe(`catalog production chain (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let b: Replica;
    let articleId: number;

    before(async () => {
      a = await Replica.open(db);
      b = await Replica.open(db);
      articleId = (await a.catalog.upsertArticle(articleRequest(1))).articleId;
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await db.drop();
    });

    const trend = () => ({
      text: '20-30대가 성수동 팝업에 몰린다',
      category: 'life',
      windowStart: '2026-01-01T00:00:00.000Z',
      windowEnd: '2026-01-02T00:00:00+09:00',
      score: 0.87,
      detector: 'stand-in-trends',
      articleIds: [articleId],
    });

    let variant = 10;
    /** A fresh story (its own variant), video and edit. */
    async function chain(externalId: string) {
      const t = await a.production.createTrend(trend());
      const s = await a.production.createStory({ trendId: t.trendId, articleId, model: 'llm', standIn: true, textKey: `stories/${externalId}.txt`, variant: variant++ });
      const v = await a.production.createVideo({ storyId: s.storyId, model: 'av', standIn: true, fileKey: `videos/${externalId}.mp4`, durationS: 31.5, hasAudio: true, generatedAt: '2026-01-02T01:00:00Z', variant: 0 });
      const e = await a.production.createEdit({ videoId: v.videoId, editor: 'ffmpeg', standIn: true, platformProfile: 'youtube-shorts', fileKey: `edits/${externalId}.mp4`, durationS: 30, editedAt: '2026-01-02T02:00:00Z' });
      return { t, s, v, e };
    }

    it('creates trend, story, video and edit once each, whoever retries', async () => {
      const [first, second] = await Promise.all([a.production.createTrend(trend()), b.production.createTrend(trend())]);
      assert.equal(first.trendId, second.trendId);
      assert.equal([first, second].filter((r) => r.created).length, 1);
      const story = { trendId: first.trendId, articleId, model: 'llm', standIn: true, textKey: 'stories/1.txt', variant: 0 };
      const s1 = await a.production.createStory(story);
      const s2 = await b.production.createStory({ ...story, textKey: 'stories/1-retry.txt' });
      assert.equal(s2.storyId, s1.storyId);
      assert.equal(s2.created, false);
      assert.equal(s2.textKey, 'stories/1.txt', 'the stored text key wins');
      const rewrite = await a.production.createStory({ ...story, variant: 1 });
      assert.notEqual(rewrite.storyId, s1.storyId);
      assert.equal(await a.count('trend'), 1);
      assert.equal(await a.count('trend_article'), 1);
    });

    it('records what a story writer says and finds and counts stories per trend and category', async () => {
      const t = await a.production.createTrend({ ...trend(), text: 'story record trend', category: 'economy' });
      const record = {
        trendId: t.trendId,
        articleId,
        model: 'standin-template',
        standIn: true,
        textKey: 'stories/record.json',
        variant: 3,
        templateId: 'default.ko',
        templateVersion: 3,
        articleReason: 'representative',
        promptTokens: 812,
        completionTokens: 240,
        latencyMs: 1530,
        finishReason: 'stop',
        repairs: 0,
      };
      const created = await a.production.createStory(record);
      const found = await b.production.findStories({ trendId: t.trendId, variant: 3 });
      assert.equal(found.stories.length, 1);
      const row = found.stories[0]!;
      assert.equal(row.storyId, created.storyId);
      assert.deepEqual(
        [row.templateId, row.templateVersion, row.articleReason, row.promptTokens, row.completionTokens, row.latencyMs, row.finishReason, row.repairs],
        ['default.ko', 3, 'representative', 812, 240, 1530, 'stop', 0],
      );
      assert.equal((await b.production.findStories({ trendId: t.trendId, variant: 4 })).stories.length, 0);
      const since = new Date(Date.now() - DAY).toISOString();
      const until = new Date(Date.now() + DAY).toISOString();
      assert.equal((await b.production.countStories({ category: 'economy', since, until })).count, 1);
      assert.equal((await b.production.countStories({ category: 'gossip', since, until })).count, 0);
      assert.equal((await b.production.countStories({ category: 'economy', since: until, until: new Date(Date.now() + 2 * DAY).toISOString() })).count, 0);
    });

    it('refuses references to rows that do not exist', async () => {
      await assert.rejects(a.production.createTrend({ ...trend(), articleIds: [999_999] }), isCode('not-found'));
      await assert.rejects(a.production.createStory({ trendId: 999_999, articleId, model: 'm', standIn: true, textKey: 'k', variant: 0 }), isCode('not-found'));
      await assert.rejects(
        a.production.createVideo({ storyId: 999_999, model: 'm', standIn: true, fileKey: 'k', durationS: 1, hasAudio: false, generatedAt: '2026-01-01T00:00:00Z', variant: 0 }),
        isCode('not-found'),
      );
      await assert.rejects(a.production.addMetric({ publicationId: 999_999, views: 1, likes: 0, comments: 0, capturedAt: '2026-01-01T00:00:00Z' }), isCode('not-found'));
    });

    it('records a publication once per (platform, external id)', async () => {
      const { e } = await chain('pub1');
      const request = { editId: e.editId, platform: 'youtube', account: 'channel-a', externalId: 'dQw4w9WgXcQ', url: 'https://youtu.be/dQw4w9WgXcQ', publishedAt: '2026-01-03T00:00:00Z' };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).production.recordPublication(request)));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.publicationId)).size, 1);
      // Platform ids are case-sensitive: another case is another upload.
      const other = await a.production.recordPublication({ ...request, externalId: 'DQW4W9WGXCQ' });
      assert.equal(other.created, true);
      assert.equal(await a.count('publication'), 2);
    });

    it('refuses the same platform id for another edit', async () => {
      const one = await chain('conflict-1');
      const two = await a.production.createEdit({
        videoId: one.v.videoId,
        editor: 'ffmpeg',
        standIn: true,
        platformProfile: 'youtube',
        fileKey: 'edits/conflict-2.mp4',
        durationS: 30,
        editedAt: '2026-01-02T02:00:00Z',
      });
      await a.production.recordPublication({ editId: one.e.editId, platform: 'youtube', account: 'a', externalId: 'same-id', publishedAt: '2026-01-03T00:00:00Z' });
      await assert.rejects(
        a.production.recordPublication({ editId: two.editId, platform: 'youtube', account: 'a', externalId: 'same-id', publishedAt: '2026-01-03T00:00:00Z' }),
        isCode('conflict'),
      );
    });

    it('adds metric snapshots, one per capture time', async () => {
      const { e } = await chain('metrics');
      const { publicationId } = await a.production.recordPublication({ editId: e.editId, platform: 'youtube', account: 'a', externalId: 'metrics-1', publishedAt: '2026-01-03T00:00:00Z' });
      const first = await a.production.addMetric({ publicationId, views: 10, likes: 1, comments: 0, capturedAt: '2026-01-03T01:00:00.000Z' });
      const repeat = await b.production.addMetric({ publicationId, views: 10, likes: 1, comments: 0, capturedAt: '2026-01-03T10:00:00.000+09:00' });
      assert.equal(first.created, true);
      assert.equal(repeat.created, false, 'the same instant in another offset is the same snapshot');
      assert.equal(repeat.snapshotId, first.snapshotId);
      await a.production.addMetric({ publicationId, views: 9_000_000_000, likes: 2, comments: 3, capturedAt: '2026-01-04T01:00:00Z' });
      const rows = (await a.dataSource.query(`SELECT views FROM metric_snapshot WHERE publication_id = ${publicationId} ORDER BY captured_at`)) as { views: number | string }[];
      assert.deepEqual(
        rows.map((r) => Number(r.views)),
        [10, 9_000_000_000],
      );
    });

    it('lists publications newest first and returns the whole chain behind one', async () => {
      const base = Date.UTC(2026, 5, 1);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const { e } = await chain(`list-${i}`);
        const platform = i === 4 ? 'tiktok' : 'youtube';
        ids.push((await a.production.recordPublication({ editId: e.editId, platform, account: 'acct', externalId: `list-${i}`, publishedAt: new Date(base + i * 60_000).toISOString() })).publicationId);
      }
      const window = { from: new Date(base).toISOString(), to: new Date(base + DAY).toISOString() };
      const first = await b.production.listPublications({ ...window, platform: 'youtube', pageSize: 3 });
      assert.deepEqual(
        first.publications.map((p) => p.externalId),
        ['list-3', 'list-2', 'list-1'],
      );
      const rest = await b.production.listPublications({ ...window, platform: 'youtube', pageSize: 3, cursor: first.nextCursor });
      assert.deepEqual(
        rest.publications.map((p) => p.externalId),
        ['list-0'],
      );
      assert.equal(rest.nextCursor, null);
      assert.equal((await b.production.listPublications({ ...window, pageSize: 100 })).publications.length, 5);

      const publicationId = ids[0]!;
      for (let h = 0; h < 3; h++) {
        await a.production.addMetric({ publicationId, views: 100 * (h + 1), likes: h, comments: h, capturedAt: new Date(base + (h + 1) * 3_600_000).toISOString() });
      }
      const lineage = await b.production.getPublication(publicationId, 2);
      assert.equal(lineage.publication.externalId, 'list-0');
      assert.equal(lineage.edit.fileKey, 'edits/list-0.mp4');
      assert.equal(lineage.video.fileKey, 'videos/list-0.mp4');
      assert.equal(lineage.video.hasAudio, true);
      assert.equal(lineage.story.textKey, 'stories/list-0.txt');
      assert.equal(lineage.trend.category, 'life');
      assert.equal(lineage.trend.windowEnd, '2026-01-01T15:00:00.000Z', 'stored in UTC');
      assert.equal(lineage.articleId, articleId);
      assert.deepEqual(
        lineage.metrics.map((m) => m.views),
        [200, 300],
        'the latest two, oldest first',
      );
      await assert.rejects(b.production.getPublication(999_999, 10), isCode('not-found'));
    });
  });
}
