import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogArticleGetByUrlV1, CatalogArticleListV1 } from '#contracts';
import type { ArticleOutcome } from '../src/run.types.js';
import type { SampleSiteServer } from '../src/sample-site.server.js';
import { scrape, startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

const ORIGINAL = '/articles/rates-hold.html';
const COPY = '/wire/rates-hold-syndicated.html';

/** An RSS feed of one sample page, so the original and its copy are met by two separate runs. */
function feedOf(site: SampleSiteServer, route: string, path: string): void {
  site.routes.set(route, (_req, res, origin) => {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>One page</title><link>${origin}/</link><description>d</description>` +
      `<item><title>Central bank holds interest rates</title><link>${origin}${path}</link><pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate></item>` +
      `</channel></rss>`;
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

function only(outcomes: ArticleOutcome[]): ArticleOutcome {
  assert.equal(outcomes.length, 1, JSON.stringify(outcomes));
  return outcomes[0]!;
}

describe('near-duplicates across runs (the catalog keeps each article’s SimHash)', () => {
  let p: Pipeline;
  let origin: string;

  before(async () => {
    p = await startPipeline({
      sources: (o) => {
        origin = o;
        const local = { schedule: '30m', allowPrivate: true };
        return [
          { id: 'originals', kind: 'rss', url: `${o}/feed-original.xml`, ...local },
          { id: 'wire', kind: 'rss', url: `${o}/feed-wire.xml`, ...local },
        ];
      },
      site: (site) => {
        feedOf(site, '/feed-original.xml', ORIGINAL);
        feedOf(site, '/feed-wire.xml', COPY);
      },
    });
  });
  after(async () => {
    await p?.close();
  });

  it('links a syndicated copy first seen in a later run to the stored original: no row, no files, no event', async () => {
    const first = only((await scrape(p, 'originals')).outcomes);
    assert.equal(first.status, 'stored', JSON.stringify(first));
    const original = first as Extract<ArticleOutcome, { status: 'stored' }>;
    assert.equal((await storedEvents(p.bus)).length, 1);

    const later = only((await scrape(p, 'wire')).outcomes);
    assert.equal(later.status, 'near-duplicate', JSON.stringify(later));
    const near = later as Extract<ArticleOutcome, { status: 'near-duplicate' }>;
    assert.equal(near.url, `${origin}${COPY}`);
    assert.equal(near.of, `${origin}${ORIGINAL}`);
    assert.equal(near.articleId, original.articleId);
    assert.ok(near.distance > 0 && near.distance <= 3, `distance ${near.distance}`);

    const copy = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: `${origin}${COPY}`, withMedia: false });
    assert.equal(copy.article?.articleId, original.articleId, 'the copy URL is an alias of the original');
    const { articles } = await p.bus.requests.request(CatalogArticleListV1, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      pageSize: 50,
    });
    assert.equal(articles.length, 1);
    assert.equal((await storedEvents(p.bus)).length, 1, 'the copy is not announced');
  });

  it('answers the copy from the catalog on the next run without fetching it again', async () => {
    const fetched = p.site.requested(COPY).length;
    const again = only((await scrape(p, 'wire')).outcomes);
    assert.equal(again.status, 'exists', JSON.stringify(again));
    assert.equal(p.site.requested(COPY).length, fetched);
  });
});
