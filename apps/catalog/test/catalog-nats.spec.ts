import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CatalogArticleGetByUrlV1,
  CatalogArticleGetV1,
  CatalogArticleUpsertV1,
  CatalogCategoryListV1,
  CatalogFileRegisterV1,
  CatalogMediaUpdateV1,
  CatalogRetentionPlanV1,
} from '#contracts';
import { RemoteError } from '#messaging';
import { startTestApp } from '#testing';
import { CatalogModule } from '../src/catalog.module.js';
import { articleRequest, DIALECTS, hex64, TestDatabase } from './catalog-fixture.js';

for (const dialect of DIALECTS) {
  describe(`catalog over NATS request/reply (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'catalog-nats-'));
    let app: Awaited<ReturnType<typeof startTestApp>>;

    before(async () => {
      app = await startTestApp(CatalogModule, { app: 'catalog', env: { CATALOG_DB_URL: db.url, DATA_DIR: dataDir } });
      // The app subscribes without a round trip; a flush on its connection makes the server know the subscriptions.
      await app.running.nc.flush();
    });
    after(async () => {
      await app?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers the category list', async () => {
      const { categories } = await app.requests.request(CatalogCategoryListV1, {});
      assert.ok(categories.some((c) => c.slug === 'gossip'));
    });

    it('stores, fetches and updates an article end to end', async () => {
      const request = articleRequest(1, {
        media: [
          { kind: 'image', position: 1, sourceUrl: 'https://img.example.kr/1.jpg' },
          { kind: 'video', position: 0, sourceUrl: 'https://img.example.kr/0.mp4' },
        ],
      });
      const stored = await app.requests.request(CatalogArticleUpsertV1, request);
      assert.equal(stored.created, true);
      const again = await app.requests.request(CatalogArticleUpsertV1, request);
      assert.deepEqual([again.created, again.articleId], [false, stored.articleId]);

      const mediaId = stored.media.find((m) => m.position === 0)!.mediaId;
      const updated = await app.requests.request(CatalogMediaUpdateV1, { mediaId, fileKey: 'ab/cd/1-0.mp4', bytes: 1234, durationS: 3.5 });
      assert.equal(updated.media.fileKey, 'ab/cd/1-0.mp4');

      const got = await app.requests.request(CatalogArticleGetV1, { articleId: stored.articleId });
      assert.equal(got.article.title, request.title);
      assert.deepEqual(
        got.media.map((m) => [m.position, m.kind, m.fileKey]),
        [
          [0, 'video', 'ab/cd/1-0.mp4'],
          [1, 'image', null],
        ],
      );
      const byUrl = await app.requests.request(CatalogArticleGetByUrlV1, { url: `${request.url}?utm_medium=social` });
      assert.equal(byUrl.article?.articleId, stored.articleId);
    });

    it('hands expected failures to the caller with their code', async () => {
      await assert.rejects(app.requests.request(CatalogArticleGetV1, { articleId: 987_654 }), (e: unknown) => e instanceof RemoteError && e.code === 'not-found');
      await assert.rejects(
        app.requests.request(CatalogArticleUpsertV1, articleRequest(2, { sourceKey: 'unregistered' })),
        (e: unknown) => e instanceof RemoteError && e.code === 'not-found' && /catalog\.source\.upsert\.v1/.test(e.message),
      );
    });

    it('registers files and plans retention over the bus', async () => {
      await app.requests.request(CatalogFileRegisterV1, { key: 'x/video.mp4', bytes: 500, sha256: hex64('v'), contentType: 'video/mp4', fileClass: 'published-video' });
      await app.requests.request(CatalogFileRegisterV1, { key: 'x/render.mp4', bytes: 900, sha256: hex64('r'), contentType: 'video/mp4', fileClass: 'generated-unpublished' });
      const plan = await app.requests.request(CatalogRetentionPlanV1, { bytesToFree: 100, minAgeSeconds: 3600 });
      assert.deepEqual(plan, { candidates: [{ key: 'x/video.mp4', bytes: 500, reason: 'published' }], plannedBytes: 500 });
    });
  });
}
