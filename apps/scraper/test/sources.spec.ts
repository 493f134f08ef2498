import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ConfigError } from '#config';
import iconv from 'iconv-lite';
import { FetchClient, type FetchSession } from '../src/fetch/fetch.client.js';
import { systemResolver } from '../src/fetch/guarded.agent.js';
import { SampleSiteServer } from '../src/sample-site.server.js';
import { DiscoveryService } from '../src/sources/discovery.service.js';
import { sampleSources } from '../src/sources/sample-sources.js';
import { loadSources, parseSources, type SourceConfig, type SourceInput } from '../src/sources/sources.config.js';
import { SourceFormatError } from '../src/sources/xml.util.js';

const dir = mkdtempSync(join(tmpdir(), 'sources-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(yaml: string): string {
  const path = join(dir, `sources-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

describe('sources file', () => {
  it('ships with commented examples and no enabled source, so npm start scrapes the sample site', () => {
    const shipped = loadSources(resolve(import.meta.dirname, '../../../../config/sources.yaml'));
    assert.deepEqual(shipped.filter((s) => s.enabled), []);
  });

  it('fills the defaults and turns the schedule into milliseconds', () => {
    const [source] = loadSources(file('sources:\n  - id: news.example\n    kind: rss\n    url: https://news.example.com/rss\n    schedule: 30m\n'));
    assert.deepEqual(
      { schedule: source!.schedule, maxArticles: source!.maxArticles, allowPrivate: source!.allowPrivate, enabled: source!.enabled },
      { schedule: 1_800_000, maxArticles: 50, allowPrivate: false, enabled: true },
    );
  });

  it('says which field of which source is wrong', () => {
    const bad = file(
      [
        'sources:',
        '  - id: Bad Id',
        '    kind: rss',
        '    url: ftp://example.com/feed',
        '    schedule: 10s',
        '  - id: list',
        '    kind: listing',
        '    url: https://example.com/news',
        '    schedule: 1h',
        '  - id: list',
        '    kind: atom',
        '    url: https://example.com/atom',
        '    schedule: 1h',
        '    selectors: { articleLinks: a }',
        '    colour: blue',
      ].join('\n'),
    );
    assert.throws(
      () => loadSources(bad),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const message = error.message;
        for (const expected of [
          'sources.0.id: lowercase letters',
          'sources.0.url: an absolute http(s) URL',
          'sources.0.schedule: a period of at least 1m',
          'sources.1.selectors: a listing source needs selectors.articleLinks',
          'sources.2.selectors: selectors only apply to listing sources, not atom',
          'sources.2: Unrecognized key: "colour"',
        ]) {
          assert.ok(message.includes(expected), `"${expected}" in:\n${message}`);
        }
        assert.ok(message.includes(bad));
        return true;
      },
    );
    assert.throws(() => loadSources(join(dir, 'missing.yaml')), /does not exist: set SCRAPER_SOURCES/);
  });

  it('reads an empty file as no sources', () => {
    assert.deepEqual(loadSources(file('sources:\n')), []);
  });
});

describe('discovery', () => {
  const site = new SampleSiteServer();
  const fetch = new FetchClient({
    userAgent: 'trend-pipeline-bot/test',
    robotsAgent: 'trend-pipeline-bot',
    resolver: systemResolver(),
    timeoutMs: 5000,
    connectTimeoutMs: 1000,
    retries: 0,
    retryBaseMs: 10,
    maxRetryAfterMs: 1000,
    maxRedirects: 5,
    hostConcurrency: 2,
    hostDelayMs: 0,
    maxCrawlDelayMs: 1000,
    robotsMaxBytes: 64 * 1024,
  });
  const discovery = new DiscoveryService({ feedBytes: 1024 * 1024, pageBytes: 1024 * 1024 });
  let origin: string;
  let session: FetchSession;

  function source(partial: Partial<SourceInput> & Pick<SourceInput, 'kind' | 'url'>): SourceConfig {
    return parseSources([{ id: 'test', schedule: '1h', allowPrivate: true, ...partial }])[0]!;
  }
  const paths = (links: { url: string }[]): string[] => links.map((l) => new URL(l.url).pathname);

  before(async () => {
    site.routes.set('/atom.xml', (_req, res, base) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>` +
          `<entry><title>One</title><link rel="self" href="${base}/self"/><link rel="alternate" href="/articles/rates-hold.html#top"/><published>2026-03-02T08:00:00Z</published></entry>` +
          `<entry><title>Two</title><link href="${base}/articles/sleep-study.html?utm_source=atom"/><updated>2026-03-07T07:15:00+09:00</updated></entry>` +
          `<entry><title>Script</title><link href="javascript:alert(1)"/></entry></feed>`,
      );
    });
    site.routes.set('/euc-kr.xml', (_req, res, base) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        iconv.encode(
          `<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><title>샘플</title>` +
            `<item><title>야구 결승</title><link>${base}/articles/baseball-final.html</link><pubDate>Sun, 08 Mar 2026 13:00:00 GMT</pubDate></item>` +
            `<item><title>아이돌</title><guid>${base}/articles/idol-comeback.html</guid></item></channel></rss>`,
          'euc-kr',
        ),
      );
    });
    site.routes.set('/sitemap-index.xml', (_req, res, base) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
          `<sitemap><loc>${base}/old.xml.gz</loc><lastmod>2025-01-01</lastmod></sitemap>` +
          `<sitemap><loc>${base}/sitemap-news.xml</loc><lastmod>2026-03-08</lastmod></sitemap></sitemapindex>`,
      );
    });
    site.routes.set('/old.xml.gz', (_req, res, base) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gzipSync(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/old/article.html</loc></url></urlset>`));
    });
    origin = await site.listen(0);
    session = fetch.session(['127.0.0.1']);
  });
  after(async () => {
    session.close();
    await site.close();
  });

  it('reads the sample RSS feed, dropping tracking parameters', async () => {
    const links = await discovery.discover(sampleSources(origin)[0]!, session, 50);
    assert.equal(links.length, 6);
    assert.equal(links[0]!.url, `${origin}/articles/rates-hold.html`);
    assert.equal(links[0]!.publishedAt, '2026-03-02T08:00:00.000Z');
    assert.equal(links[2]!.title, '2030세대, 주말마다 캠핑장으로… 예약 경쟁 치열');
  });

  it('reads Atom alternate links, resolves relative ones and skips non-http ones', async () => {
    const links = await discovery.discover(source({ kind: 'atom', url: `${origin}/atom.xml` }), session, 50);
    assert.deepEqual(paths(links), ['/articles/rates-hold.html', '/articles/sleep-study.html']);
    assert.equal(links[1]!.url, `${origin}/articles/sleep-study.html`);
    assert.equal(links[1]!.publishedAt, '2026-03-06T22:15:00.000Z');
  });

  it('decodes an EUC-KR feed and takes a permalink guid when there is no link', async () => {
    const links = await discovery.discover(source({ kind: 'rss', url: `${origin}/euc-kr.xml` }), session, 50);
    assert.deepEqual(links.map((l) => l.title), ['야구 결승', '아이돌']);
    assert.deepEqual(paths(links), ['/articles/baseball-final.html', '/articles/idol-comeback.html']);
  });

  it('follows a sitemap index one level, newest child first, gzipped children included', async () => {
    const links = await discovery.discover(source({ kind: 'sitemap', url: `${origin}/sitemap-index.xml` }), session, 50);
    assert.equal(links.length, 9);
    assert.equal(paths(links)[0], '/articles/rates-hold.html');
    assert.equal(paths(links).at(-1), '/old/article.html');
    assert.equal(links[0]!.publishedAt, '2026-03-02T08:00:00.000Z');
  });

  it('walks listing pages through the next link and stops at maxArticles', async () => {
    const listing = sampleSources(origin)[2]!;
    const all = await discovery.discover(listing, session, 50);
    assert.equal(all.length, 9);
    assert.ok(!paths(all).includes('/about.html'), 'only the selected links');
    assert.equal((await discovery.discover(listing, session, 3)).length, 3);
    const onePage = await discovery.discover({ ...listing, maxPages: 1 }, session, 50);
    assert.equal(onePage.length, 5);
  });

  it('says when a listing selector matches nothing or is not CSS', async () => {
    await assert.rejects(
      discovery.discover(source({ kind: 'listing', url: `${origin}/news/index.html`, selectors: { articleLinks: 'div.gone a' } }), session, 50),
      (error: unknown) => error instanceof SourceFormatError && /matches nothing/.test(error.message),
    );
    await assert.rejects(
      discovery.discover(source({ kind: 'listing', url: `${origin}/news/index.html`, selectors: { articleLinks: 'a[[' } }), session, 50),
      (error: unknown) => error instanceof SourceFormatError && /not a valid CSS selector/.test(error.message),
    );
  });
});
