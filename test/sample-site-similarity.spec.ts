import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CatalogArticleGetByUrlV1,
  Events,
  ScrapeRequestedV1,
  VectorCountV1,
  VectorSimilarV1,
  type ArticleEmbeddedV1,
  type Envelope,
} from '#contracts';
import { TestBus, waitFor } from '#testing';
import { stringify } from 'yaml';
import { CatalogModule } from '../apps/catalog/src/catalog.module.js';
import { dropSpaces, MILVUS_ADDRESS } from '../apps/embedder/test/stage.fixture.js';
import { EmbedderModule } from '../apps/embedder/src/embedder.module.js';
import { FilesModule } from '../apps/files/src/files.module.js';
import { RunJournal } from '../apps/scraper/src/run.journal.js';
import { SampleSiteServer } from '../apps/scraper/src/sample-site.server.js';
import { ScraperModule } from '../apps/scraper/src/scraper.module.js';
import { VectorModule } from '../apps/vector/src/vector.module.js';

/**
 * scraper -> embedder -> vector on the bundled sample site, every app in this process on one
 * isolated bus (they still talk over NATS only). The known pairs of the sample site:
 * - near-duplicate: /articles/rates-hold.html and its syndicated copy /wire/rates-hold-syndicated.html
 *   (a headline reworded, one word changed, another footer);
 * - same topic: /articles/camping-boom.html and /articles/camping-gear.html (camping in Korean,
 *   different stories).
 * The scraper links a SimHash near-duplicate to its original as a URL alias, so one article would
 * stand for both; SCRAPER_NEAR_DUPLICATE_BITS=0 keeps the copy as an article of its own here, so
 * that the vector side has to find the pair by itself.
 */
const NEAR_DUPLICATE = ['/articles/rates-hold.html', '/wire/rates-hold-syndicated.html'] as const;
const SAME_TOPIC = ['/articles/camping-boom.html', '/articles/camping-gear.html'] as const;

for (const store of ['usearch', 'milvus'] as const) {
  describe(`sample site through scraper, embedder and vector (${store})`, () => {
    let bus: TestBus;
    let site: SampleSiteServer;
    let origin: string;
    let dir: string;
    let events: Envelope<ArticleEmbeddedV1>[];
    const spacePrefix = `t${Date.now().toString(36)}${process.pid}_`;
    const spaces = new Map<string, number>();

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sample-similarity-'));
      site = new SampleSiteServer();
      origin = await site.listen(0);
      const local = { schedule: '30m', allowPrivate: true };
      writeFileSync(
        join(dir, 'sources.yaml'),
        stringify({
          sources: [
            { id: 'rss', kind: 'rss', url: `${origin}/feed.xml`, ...local },
            { id: 'sitemap', kind: 'sitemap', url: `${origin}/sitemap-news.xml`, ...local },
          ],
        }),
      );
      bus = await TestBus.create();
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
      await bus.startApp(
        VectorModule,
        'vector',
        store === 'milvus' ? { MILVUS_ADDRESS, MILVUS_INDEX_TYPE: 'FLAT', DATA_DIR: dir } : { VECTOR_BACKEND: 'usearch', DATA_DIR: dir },
      );
      await bus.startApp(EmbedderModule, 'embedder', { EMBEDDER_BACKEND: 'standin', EMBEDDER_SPACE_PREFIX: spacePrefix, DATA_DIR: dir });
      const scraper = await bus.startApp(ScraperModule, 'scraper', {
        DATA_DIR: dir,
        SCRAPER_SOURCES: join(dir, 'sources.yaml'),
        SCRAPER_SCHEDULER: 'off',
        SCRAPER_HOST_DELAY: '0ms',
        SCRAPER_RETRY_BASE: '50ms',
        SCRAPER_TMP_DIR: dir,
        SCRAPER_NEAR_DUPLICATE_BITS: '0',
      });
      const journal = scraper.app.get(RunJournal);
      for (const sourceId of ['rss', 'sitemap']) {
        // The journal may hold reports of an earlier app in this process: wait for a new one.
        const earlier = journal.recent(sourceId).length;
        await bus.publisher.publish(ScrapeRequestedV1, { sourceId, requestedBy: 'sample-site-similarity' });
        const report = await waitFor(`the ${sourceId} run`, () => journal.recent(sourceId)[earlier], 120_000, 100);
        assert.equal(report.failure, null, `${sourceId}: ${JSON.stringify(report.failure)}`);
      }
      const stored = (await bus.read(Events.ArticleStoredV1)).length;
      // rss: five articles and the syndicated copy; sitemap: two more.
      assert.ok(stored >= 8, `the scraper stored ${stored} articles`);
      events = await waitFor(
        `all ${stored} stored articles embedded`,
        async () => {
          const found = (await bus.read(Events.ArticleEmbeddedV1)) as Envelope<ArticleEmbeddedV1>[];
          return new Set(found.map((e) => e.payload.articleId)).size >= stored ? found : null;
        },
        120_000,
        200,
      );
      for (const event of events) for (const s of event.payload.spaces) spaces.set(s.space, s.dim!);
    });

    after(async () => {
      await bus?.close();
      await site?.close();
      if (store === 'milvus') await dropSpaces([...spaces].map(([name, dim]) => ({ name, dim })));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function articleId(path: string): Promise<number> {
      const found = await bus.requests.request(CatalogArticleGetByUrlV1, { url: `${origin}${path}`, withMedia: false });
      assert.ok(found.article, `${path} is in the catalog`);
      return found.article.articleId;
    }

    async function nearest(path: string): Promise<{ articleId: number; score: number }[]> {
      const id = await articleId(path);
      const event = events.find((e) => e.payload.articleId === id);
      assert.ok(event?.payload.representative, `${path} has a representative vector`);
      const { space, dim } = event.payload.representative;
      const { hits } = await bus.requests.request(VectorSimilarV1, { space: { name: space, dim }, articleId: id, k: 3 });
      return hits.map((hit) => ({ articleId: hit.articleId, score: hit.score }));
    }

    it('embedded every stored article of the sample site, and its images and video', async () => {
      const ids = new Set(events.map((e) => e.payload.articleId));
      assert.ok(ids.size >= 7, `${ids.size} articles`);
      const textSpace = [...spaces.keys()].find((name) => name.includes('text__'))!;
      const imageSpace = [...spaces.keys()].find((name) => name.includes('image__'));
      assert.ok(imageSpace, 'the sample images reached the image space');
      const { count } = await bus.requests.request(VectorCountV1, { space: { name: textSpace, dim: spaces.get(textSpace)! } });
      assert.ok(count >= 2 * ids.size, `text space holds text + representative per article (${count})`);
      // The robot article has a real MP4 (keyframes pooled in the image space) and a YouTube player (not a file).
      const robotId = await articleId('/articles/robot-lab.html');
      const robot = events.find((e) => e.payload.articleId === robotId)!;
      assert.deepEqual(robot.payload.failedParts, []);
      assert.ok((robot.payload.spaces.find((s) => s.space === imageSpace)?.vectors ?? 0) >= 1, JSON.stringify(robot.payload.spaces));
    });

    it('finds the near-duplicate pair as each other’s top result', async () => {
      const [a, b] = [await articleId(NEAR_DUPLICATE[0]), await articleId(NEAR_DUPLICATE[1])];
      assert.notEqual(a, b, 'the copy is an article of its own in this run');
      const fromA = await nearest(NEAR_DUPLICATE[0]);
      const fromB = await nearest(NEAR_DUPLICATE[1]);
      assert.equal(fromA[0]!.articleId, b, JSON.stringify(fromA));
      assert.equal(fromB[0]!.articleId, a, JSON.stringify(fromB));
      assert.ok(fromA[0]!.score > 0.9 && fromA[0]!.score - fromA[1]!.score > 0.3, `near-duplicate similarity ${fromA[0]!.score}, next ${fromA[1]!.score}`);
      process.stderr.write(`[${store}] near-duplicate: ${JSON.stringify(fromA)}\n`);
    });

    it('finds the same-topic pair as each other’s top result', async () => {
      const [a, b] = [await articleId(SAME_TOPIC[0]), await articleId(SAME_TOPIC[1])];
      const fromA = await nearest(SAME_TOPIC[0]);
      const fromB = await nearest(SAME_TOPIC[1]);
      assert.equal(fromA[0]!.articleId, b, JSON.stringify(fromA));
      assert.equal(fromB[0]!.articleId, a, JSON.stringify(fromB));
      assert.ok(fromA[0]!.score > fromA[1]!.score, 'ahead of the next article');
      process.stderr.write(`[${store}] same topic: ${JSON.stringify(fromA)}\n`);
    });
  });
}
