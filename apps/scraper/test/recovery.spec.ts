import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArticleStoredV1, CatalogArticleGetByUrlV1, CatalogArticleUpsertV1, ScrapeRequestedV1 } from '#contracts';
import { waitFor } from '#testing';
import type { ArticleOutcome } from '../src/run.types.js';
import { html, paragraphs, scrape, startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

type Stored = Extract<ArticleOutcome, { status: 'stored' }>;

describe('scraper recovery: half-done work is finished and announced exactly once', () => {
  let p: Pipeline;
  let origin: string;

  before(async () => {
    p = await startPipeline({
      files: false,
      consumer: { backoff: ['1s'], max_deliver: 4 },
      env: { SCRAPER_RESUME_AFTER: '2s' },
      sources: (o) => {
        origin = o;
        return [
          { id: 'rss', kind: 'rss', url: `${o}/feed.xml`, schedule: '30m', allowPrivate: true },
          { id: 'sitemap', kind: 'sitemap', url: `${o}/sitemap-news.xml`, schedule: '30m', allowPrivate: true },
          { id: 'late', kind: 'sitemap', url: `${o}/late/sitemap.xml`, schedule: '30m', allowPrivate: true },
        ];
      },
      site: (site) => {
        site.routes.set('/late/sitemap.xml', (_req, res, base) => {
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/late/orphan.html</loc></url></urlset>`);
        });
        site.routes.set('/late/orphan.html', (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(html('An article whose first run stopped half-way', `<img src="/images/pillow.jpg" alt="pillow">${paragraphs('orphan')}`));
        });
      },
    });
  });
  after(async () => {
    await p?.close();
  });

  it('retries after a files outage finish the rows the failed attempts created, and announce each article once', async () => {
    // Two overlapping sources at once: both fail, both retry concurrently on this replica.
    await p.bus.publisher.publish(ScrapeRequestedV1, { sourceId: 'rss', requestedBy: 'test' });
    await p.bus.publisher.publish(ScrapeRequestedV1, { sourceId: 'sitemap', requestedBy: 'test' });
    const first = await waitFor('the failed first attempts', () => p.journal.recent('rss')[0] && p.journal.recent('sitemap')[0], 30_000);
    assert.equal(first.outcomes.filter((o) => o.status === 'stored').length, 0);
    const created = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: `${origin}/articles/rates-hold.html`, withMedia: false });
    assert.ok(created.article, 'the first attempt created the row before the files service failed');
    assert.equal((await storedEvents(p.bus)).length, 0);

    await p.startFiles();
    const rss = await waitFor('the rss retry', () => p.journal.recent('rss')[1], 30_000);
    const sitemap = await waitFor('the sitemap retry', () => p.journal.recent('sitemap')[1], 30_000);
    const stored = [...rss.outcomes, ...sitemap.outcomes].filter((o): o is Stored => o.status === 'stored');
    assert.equal(stored.length, 7, JSON.stringify([rss.outcomes, sitemap.outcomes]));
    assert.ok(stored.some((s) => s.resumed), 'rows of the first attempts were finished, not skipped');
    const events = await storedEvents(p.bus);
    assert.equal(events.length, 7);
    assert.equal(new Set(events.map((e) => ArticleStoredV1.schema.parse(e.payload).articleId)).size, 7);
    for (const event of events) assert.ok(existsSync(join(p.filesRoot, ArticleStoredV1.schema.parse(event.payload).textKey)));
  });

  it('a row left without text is left alone while young, and finished by a later run once stale', async () => {
    const url = `${origin}/late/orphan.html`;
    const orphan = await p.bus.requests.request(CatalogArticleUpsertV1, {
      url,
      category: 'other',
      title: 'An article whose first run stopped half-way',
      scrapedAt: new Date().toISOString(),
      contentHash: 'c'.repeat(64),
    });
    assert.equal(orphan.created, true);
    const young = await scrape(p, 'late');
    assert.deepEqual(young.outcomes.map((o) => o.status), ['exists']);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const stale = await scrape(p, 'late');
    const [outcome] = stale.outcomes as Stored[];
    assert.deepEqual([outcome?.status, outcome?.resumed, outcome?.articleId], ['stored', true, orphan.articleId]);
    assert.ok(outcome!.media[0]!.key && existsSync(join(p.filesRoot, outcome!.media[0]!.key)));
    const events = await storedEvents(p.bus);
    assert.equal(events.filter((e) => ArticleStoredV1.schema.parse(e.payload).articleId === orphan.articleId).length, 1);

    const again = await scrape(p, 'late');
    assert.deepEqual(again.outcomes.map((o) => o.status), ['exists']);
    assert.equal((await storedEvents(p.bus)).length, events.length);
  });
});
