import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogEditCreateV1, type EditDecisionListV1 } from '#contracts';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

const plan: EditDecisionListV1 = {
  version: 1,
  planner: 'heuristic',
  source: { durationS: 61.2, fps: 30, constantFrameRate: true },
  keep: { startS: 0, endS: 61.2 },
  cuts: [{ startS: 10.15, endS: 11.4, reason: 'silence 1.55 s' }],
  emphasis: [],
  subtitles: [{ startS: 0, endS: 9.5, text: '성수동 팝업에 20대가 몰린다' }],
  thumbnailS: 12.5,
  verdict: null,
  notes: [],
};

const qa = {
  width: 1080,
  height: 1920,
  videoCodec: 'h264',
  videoProfile: 'High',
  pixFmt: 'yuv420p',
  fps: 30,
  audioCodec: 'aac',
  audioSampleRate: 48_000,
  audioChannels: 2,
  faststart: true,
  durationS: 59.95,
  videoDurationS: 59.95,
  audioDurationS: 59.95,
  avDriftMs: 0,
  lufs: -14.1,
  truePeakDb: -1.6,
  lraLu: 3.2,
  longestBlackS: 0,
  longestFrozenS: 0.8,
  black: [],
  frozen: [{ startS: 20, endS: 20.8 }],
  loudnessMode: 'linear',
  video: 'encode' as const,
};

for (const dialect of DIALECTS) {
  describe(`catalog edits with plan and QA figures (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let videoId: number;

    before(async () => {
      a = await Replica.open(db);
      const articleId = (await a.catalog.upsertArticle(articleRequest(1))).articleId;
      const t = await a.production.createTrend({
        text: '성수동 팝업',
        category: 'life',
        windowStart: '2026-01-01T00:00:00Z',
        windowEnd: '2026-01-02T00:00:00Z',
        score: 0.5,
        detector: 'test',
        articleIds: [articleId],
      });
      const s = await a.production.createStory({ trendId: t.trendId, articleId, model: 'llm', standIn: true, textKey: 'stories/1.json', variant: 0 });
      videoId = (
        await a.production.createVideo({ storyId: s.storyId, model: 'standin-ffmpeg', standIn: true, fileKey: 'videos/1.mp4', durationS: 61.2, hasAudio: true, generatedAt: '2026-01-02T01:00:00Z', variant: 0 })
      ).videoId;
    });
    after(async () => {
      await a?.close();
      await db.drop();
    });

    it('stores the thumbnail, planner, plan and figures once, and reads them back', async () => {
      const request = CatalogEditCreateV1.request.parse({
        videoId,
        editor: 'standin-ffmpeg-editor',
        standIn: true,
        platformProfile: 'youtube-shorts',
        fileKey: 'edits/1.mp4',
        durationS: 59.95,
        editedAt: '2026-01-02T02:00:00Z',
        thumbnailKey: 'edits/1.thumb.jpg',
        plan,
        qa,
      });
      const first = await a.production.createEdit(request);
      const again = await a.production.createEdit(request);
      assert.equal(again.editId, first.editId);
      assert.equal(again.created, false);
      const rows = (await a.dataSource.query('SELECT thumbnail_key, planner, plan_json, qa_json, lufs, true_peak_db, av_drift_ms FROM edit WHERE id = ?', [first.editId])) as Record<string, unknown>[];
      const row = rows[0]!;
      assert.equal(row.thumbnail_key, 'edits/1.thumb.jpg');
      assert.equal(row.planner, 'heuristic');
      assert.deepEqual(JSON.parse(String(row.plan_json)), plan);
      assert.deepEqual(JSON.parse(String(row.qa_json)), qa);
      assert.equal(Number(row.lufs), -14.1);
      assert.equal(Number(row.true_peak_db), -1.6);
      assert.equal(Number(row.av_drift_ms), 0);
    });

    it('still takes an edit without them (older editors)', async () => {
      const edit = await a.production.createEdit({
        videoId,
        editor: 'older-editor',
        standIn: true,
        platformProfile: 'youtube-shorts',
        fileKey: 'edits/2.mp4',
        durationS: 30,
        editedAt: '2026-01-02T02:00:00Z',
      });
      const rows = (await a.dataSource.query('SELECT plan_json, lufs FROM edit WHERE id = ?', [edit.editId])) as Record<string, unknown>[];
      assert.equal(rows[0]!.plan_json, null);
      assert.equal(rows[0]!.lufs, null);
    });
  });
}
