import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CatalogArticleGetV1, CatalogArticleListV1 } from '#contracts';
import { waitFor } from '#testing';
import { SourceRegistry } from '../src/sources/source.registry.js';
import { startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

/** What a newcomer's `npm start` does: no configured source, so the bundled sample site is scraped. */
describe('scraper with no configured source', () => {
  let p: Pipeline;

  before(async () => {
    p = await startPipeline({ sources: () => [], env: { SCRAPER_SCHEDULER: 'on', SCRAPER_SAMPLE_SITE_PORT: '0' } });
  });
  after(async () => {
    await p?.close();
  });

  it('serves the sample site on loopback and schedules its three sources at start', async () => {
    const registry = p.scraper.app.get(SourceRegistry);
    assert.ok(registry.sampleSite);
    assert.match(registry.sampleSite.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      registry.sources.map((s) => s.id),
      ['sample-rss', 'sample-sitemap', 'sample-listing'],
    );
    await waitFor('the three sample runs', () => ['sample-rss', 'sample-sitemap', 'sample-listing'].every((id) => p.journal.last(id)), 60_000);
  });

  it('lands the sample articles, their images and the video in the catalog and the file root', async () => {
    const { articles } = await p.bus.requests.request(CatalogArticleListV1, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      pageSize: 50,
    });
    assert.equal(articles.length, 7, JSON.stringify(articles.map((a) => [a.articleId, a.url, a.contentHash.slice(0, 8), a.createdAt]), null, 1));
    assert.equal((await storedEvents(p.bus)).length, 7);
    let images = 0;
    let videos = 0;
    for (const article of articles) {
      const { media } = await p.bus.requests.request(CatalogArticleGetV1, { articleId: article.articleId });
      for (const item of media.filter((m) => m.kind !== 'embed')) {
        assert.ok(item.fileKey && existsSync(join(p.filesRoot, item.fileKey)), `${item.kind} ${item.sourceUrl}`);
        if (item.kind === 'image') images++;
        else videos++;
      }
    }
    assert.deepEqual([images, videos], [6, 1]);
    assert.deepEqual(
      [...new Set(articles.map((a) => a.category))].sort(),
      ['economy', 'gossip', 'health', 'it-science', 'sports', 'travel-food'],
    );
  });
});
