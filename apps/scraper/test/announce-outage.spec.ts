import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ArticleStoredV1, ScrapeRequestedV1 } from '#contracts';
import { waitFor } from '#testing';
import { deadLetters, html, paragraphs, startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

const PAGES = 12;

/**
 * JetStream stops taking `pipeline.>` events for a few seconds in the middle of a run (as during a
 * stream leader election or a full store: publishes fail with 503). Before, the failed announce
 * marked the article skipped, the run was acked, and later runs skipped the stored article for
 * good. Now the publish failure is an outage: the run is held and re-run, and every article is
 * announced.
 */
describe('scraper: a JetStream gap mid-run loses no announcement', () => {
  let p: Pipeline;

  before(async () => {
    p = await startPipeline({
      consumer: { backoff: ['200ms'], max_deliver: 3, max_probe_interval: '500ms', ack_wait: '2s' },
      sources: (o) => [{ id: 'cut', kind: 'sitemap', url: `${o}/cut/sitemap.xml`, schedule: '30m', allowPrivate: true }],
      site: (site) => {
        site.routes.set('/cut/sitemap.xml', (_req, res, base) => {
          res.writeHead(200, { 'content-type': 'application/xml' });
          const urls = Array.from({ length: PAGES }, (_, i) => `<url><loc>${base}/cut/a${i}.html</loc></url>`).join('');
          res.end(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
        });
        for (let i = 0; i < PAGES; i++) {
          site.routes.set(`/cut/a${i}.html`, (_req, res) => {
            // Slow enough pages that the gap falls in the middle of the run.
            setTimeout(() => {
              res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
              res.end(html(`Outage story number ${i} about the harbour`, paragraphs(`harbour-${i}-${'x'.repeat(i)}`)));
            }, 250);
          });
        }
      },
    });
  });
  after(async () => {
    await p?.close();
  });

  it('announces every stored article after the gap, with no dead letter and no duplicate', async () => {
    const stream = p.bus.ns.stream('PIPELINE');
    const config = (await p.bus.jsm.streams.info(stream)).config;
    await p.bus.publisher.publish(ScrapeRequestedV1, { sourceId: 'cut', requestedBy: 'test' });
    await waitFor('the first announcement', async () => ((await storedEvents(p.bus)).length > 0 ? true : null), 30_000);
    // The gap: the stream stops listening on pipeline.article.* (publishes get 503 / no responders).
    await p.bus.jsm.streams.update(stream, { subjects: [p.bus.ns.subject('pipeline.scrape.>')] });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const during = (await storedEvents(p.bus)).length;
    await p.bus.jsm.streams.update(stream, { subjects: config.subjects });

    const events = await waitFor(
      `all ${PAGES} announced`,
      async () => {
        const found = await storedEvents(p.bus);
        return new Set(found.map((e) => ArticleStoredV1.schema.parse(e.payload).articleId)).size >= PAGES ? found : null;
      },
      60_000,
    );
    assert.ok(during < PAGES, `the gap fell mid-run (${during} announced before it ended)`);
    const ids = events.map((e) => ArticleStoredV1.schema.parse(e.payload).articleId);
    assert.equal(new Set(ids).size, PAGES);
    assert.equal(ids.length, PAGES, 'each article announced once');
    assert.deepEqual(await deadLetters(p.bus), []);
    const reports = p.journal.recent('cut');
    assert.ok(reports.every((r) => r.outcomes.every((o) => o.status !== 'skipped')), JSON.stringify(reports.map((r) => r.outcomes)));
  });
});
