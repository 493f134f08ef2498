import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CatalogArticleGetByUrlV1, Events, ScrapeRequestedV1 } from '#contracts';
import { waitFor } from '#testing';
import type { ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import type { ArticleOutcome } from '../src/run.types.js';
import { deadLetters, html, paragraphs, pngBomb, scrape, startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

const MB = 1024 * 1024;

/** Streams `total` bytes of HTML, stopping when the client hangs up; `sent` says how far it got. */
async function stream(res: ServerResponse, total: number, sent: { bytes: number }): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  const chunk = Buffer.alloc(MB, 'a');
  res.write('<html><body><p>');
  while (sent.bytes < total && !res.destroyed) {
    sent.bytes += chunk.length;
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  if (!res.destroyed) res.end('</p></body></html>');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

function page(res: ServerResponse, body: string | Buffer, type = 'text/html; charset=utf-8'): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
  res.end(bytes);
}

function find(outcomes: ArticleOutcome[], path: string): ArticleOutcome {
  const found = outcomes.find((o) => new URL(o.url).pathname === path);
  assert.ok(found, `an outcome for ${path} in ${JSON.stringify(outcomes.map((o) => o.url))}`);
  return found;
}

describe('scraper against a hostile web site', () => {
  let p: Pipeline;
  let origin: string;
  let port: string;
  const hugeSent = { bytes: 0 };
  let flakyCalls = 0;

  before(async () => {
    const bomb = await pngBomb();
    p = await startPipeline({
      // evil.test answers with a private address: the DNS hook must refuse it before connecting.
      env: { SCRAPER_DNS_OVERRIDES: 'evil.test=10.0.0.1;rebind.test=192.168.7.7' },
      sources: (o) => {
        origin = o;
        port = new URL(o).port;
        const local = { schedule: '30m', allowPrivate: true };
        return [
          { id: 'hostile', kind: 'rss', url: `${o}/hostile/feed.xml`, ...local },
          { id: 'huge-listing', kind: 'listing', url: `${o}/hostile/huge.html`, selectors: { articleLinks: 'a' }, ...local },
          { id: 'redirected-feed', kind: 'rss', url: `${o}/hostile/redirect-feed.xml`, ...local },
          { id: 'not-a-feed', kind: 'rss', url: `${o}/articles/rates-hold.html`, ...local },
          // The same loopback site without the allow-list: must be refused before any connection.
          { id: 'not-allowed', kind: 'rss', url: `${o}/feed.xml`, schedule: '30m' },
        ];
      },
      site: (site) => {
        const r = site.routes;
        r.set('/hostile/feed.xml', (_req, res, base) => {
          const links = [
            '/hostile/bomb-article.html',
            '/hostile/redirect-metadata.html',
            '/hostile/redirect-ten.html',
            '/hostile/redirect-named.html',
            `http://evil.test:${new URL(base).port}/hostile/named.html`,
            '/hostile/huge.html',
            '/hostile/huge-declared.html',
            '/hostile/gzip-bomb.html',
            '/hostile/broken-encoding.html',
            '/hostile/flaky.html',
            '/hostile/redirect-loop.html',
            '/hostile/report.pdf',
            '/hostile/fake-video.html',
          ];
          const items = links.map((l) => `<item><title>x</title><link>${l.startsWith('http') ? l : base + l}</link></item>`).join('');
          page(res, `<?xml version="1.0"?><rss version="2.0"><channel><title>h</title>${items}</channel></rss>`, 'application/rss+xml');
        });
        r.set('/hostile/bomb-article.html', (_req, res) =>
          page(res, html('An article with a decompression bomb', `<figure><img src="/hostile/bomb.png" alt="bomb"></figure>${paragraphs('bomb')}<img src="/images/field.jpg" alt="field">`)),
        );
        r.set('/hostile/bomb.png', (_req, res) => page(res, bomb, 'image/png'));
        r.set('/hostile/redirect-metadata.html', (_req, res) => redirect(res, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'));
        r.set('/hostile/redirect-ten.html', (_req, res) => redirect(res, 'http://10.0.0.1/admin'));
        r.set('/hostile/redirect-named.html', (_req, res) => redirect(res, 'http://rebind.test/'));
        r.set('/hostile/huge.html', (_req, res) => stream(res, 50 * MB, hugeSent));
        r.set('/hostile/huge-declared.html', (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html', 'content-length': 50 * MB });
          res.end();
        });
        r.set('/hostile/gzip-bomb.html', (_req, res) => {
          const body = gzipSync(Buffer.alloc(60 * MB, ' '), { level: 9 });
          res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': body.length });
          res.end(body);
        });
        r.set('/hostile/broken-encoding.html', (_req, res) => {
          const head = Buffer.from('<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>깨진 인코딩 기사</title></head><body><article><h1>깨진 인코딩 기사</h1><p>');
          const korean = iconv.encode('이 문단은 EUC-KR 바이트로 쓰였지만 페이지는 UTF-8이라고 주장한다. 서버가 설정을 잘못했다.', 'euc-kr');
          const tail = Buffer.from(` ${paragraphs('broken')}</p></article></body></html>`);
          page(res, Buffer.concat([head, Buffer.from([0xff, 0xfe, 0xc3, 0x28]), korean, tail]), 'text/html; charset=utf-8');
        });
        r.set('/hostile/flaky.html', (_req, res) => {
          flakyCalls++;
          if (flakyCalls === 1) {
            res.writeHead(503, { 'retry-after': '1', 'content-length': 0 });
            res.end();
            return;
          }
          page(res, html('Flaky server recovers after one retry', paragraphs('flaky')));
        });
        r.set('/hostile/redirect-loop.html', (_req, res) => redirect(res, '/hostile/redirect-loop.html?again=1'));
        r.set('/hostile/report.pdf', (_req, res) => page(res, '%PDF-1.4 not a page', 'application/pdf'));
        r.set('/hostile/fake-video.html', (_req, res) =>
          page(res, html('An article whose video is a playlist in disguise', `${paragraphs('fake video')}<video src="/hostile/fake.mp4"></video>`)),
        );
        // An HLS playlist served as MP4: ffmpeg would follow it to the metadata service if it were read.
        r.set('/hostile/fake.mp4', (_req, res) => page(res, '#EXTM3U\n#EXTINF:10,\nhttp://169.254.169.254/latest/meta-data/\n', 'video/mp4'));
        r.set('/hostile/redirect-feed.xml', (_req, res) => redirect(res, 'http://169.254.169.254/feed.xml'));
      },
    });
  });
  after(async () => {
    await p?.close();
  });

  describe('one run over a feed of hostile links', () => {
    let outcomes: ArticleOutcome[];

    before(async () => {
      const report = await scrape(p, 'hostile', 90_000);
      assert.equal(report.failure, null);
      outcomes = report.outcomes;
    });

    it('stores the article with an image bomb, without the bomb', async () => {
      const outcome = find(outcomes, '/hostile/bomb-article.html');
      assert.equal(outcome.status, 'stored');
      const media = (outcome as Extract<ArticleOutcome, { status: 'stored' }>).media;
      const bomb = media.find((m) => m.position === 0)!;
      assert.equal(bomb.key, null);
      assert.equal(bomb.error?.code, 'too-many-pixels');
      assert.match(bomb.error!.message, /20000x20000 = 400 MP, more than the 50 MP limit/);
      const field = media.find((m) => m.position === 1)!;
      assert.ok(field.key && existsSync(join(p.filesRoot, field.key)));
      const { media: rows } = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: outcome.url, withMedia: true });
      const bombRow = rows.find((m) => m.sourceUrl.endsWith('/hostile/bomb.png'))!;
      assert.equal(bombRow.fileKey, null);
      // The row itself says failed and why, so it cannot pass for "not downloaded yet".
      assert.equal(bombRow.status, 'failed');
      assert.match(bombRow.error ?? '', /^too-many-pixels: .*20000x20000 = 400 MP, more than the 50 MP limit/);
      assert.deepEqual([rows.find((m) => m.position === 1)!.status, rows.find((m) => m.position === 1)!.error], ['stored', null]);
    });

    it('refuses redirects to link-local, private and privately resolving hosts, without connecting', () => {
      for (const [path, text] of [
        ['/hostile/redirect-metadata.html', /169\.254\.169\.254.*link-local/],
        ['/hostile/redirect-ten.html', /10\.0\.0\.1.*private \(10\/8\)/],
        ['/hostile/redirect-named.html', /rebind\.test \(192\.168\.7\.7\).*private \(192\.168\/16\)/],
        ['/hostile/named.html', /evil\.test \(10\.0\.0\.1\).*private/],
      ] as const) {
        const outcome = find(outcomes, path);
        assert.equal(outcome.status, 'skipped', path);
        assert.equal((outcome as { code: string }).code, 'blocked-address', path);
        assert.match((outcome as { message: string }).message, text);
        assert.match((outcome as { message: string }).message, /allowPrivate/);
      }
      assert.deepEqual(
        p.connections.filter((c) => c.address !== '127.0.0.1'),
        [],
        'every connection went to the loopback site',
      );
    });

    it('aborts the 50 MB page at the 5 MB limit and stores nothing of it', async () => {
      for (const path of ['/hostile/huge.html', '/hostile/huge-declared.html', '/hostile/gzip-bomb.html']) {
        const outcome = find(outcomes, path);
        assert.equal(outcome.status, 'skipped', path);
        assert.equal((outcome as { code: string }).code, 'too-large', path);
        assert.match((outcome as { message: string }).message, /larger than the 5 MB limit/);
        const row = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: `${origin}${path}`, withMedia: false });
        assert.equal(row.article, null, path);
      }
      assert.ok(hugeSent.bytes < 20 * MB, `the server stopped early (${hugeSent.bytes} bytes sent)`);
    });

    it('stores the page with broken bytes with replacement characters', async () => {
      const outcome = find(outcomes, '/hostile/broken-encoding.html');
      assert.equal(outcome.status, 'stored');
      const row = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: outcome.url, withMedia: false });
      assert.equal(row.article?.title, '깨진 인코딩 기사');
      const events = await storedEvents(p.bus);
      const event = events.find((e) => (e.payload as { articleId: number }).articleId === row.article!.articleId)!;
      const text = readFileSync(join(p.filesRoot, (event.payload as { textKey: string }).textKey), 'utf8');
      assert.ok(text.includes('\uFFFD'));
      assert.ok(text.includes('The broken committee met on Tuesday'));
    });

    it('retries a 503 after its Retry-After and stores the page', () => {
      assert.equal(find(outcomes, '/hostile/flaky.html').status, 'stored');
      assert.equal(flakyCalls, 2);
    });

    it('gives up on redirect loops and non-HTML answers with a reason', () => {
      const loop = find(outcomes, '/hostile/redirect-loop.html');
      assert.deepEqual([loop.status, (loop as { code: string }).code], ['skipped', 'redirects']);
      assert.match((loop as { message: string }).message, /more than 5 redirects/);
      const pdf = find(outcomes, '/hostile/report.pdf');
      assert.deepEqual([pdf.status, (pdf as { code: string }).code], ['skipped', 'content-type']);
    });

    it('never hands ffmpeg a playlist disguised as a video', () => {
      const outcome = find(outcomes, '/hostile/fake-video.html') as Extract<ArticleOutcome, { status: 'stored' }>;
      assert.equal(outcome.status, 'stored');
      assert.equal(outcome.media[0]!.key, null);
      assert.equal(outcome.media[0]!.error?.code, 'format');
    });

    it('marks the playlist disguised as a video failed in the catalog, with the reason', async () => {
      const outcome = find(outcomes, '/hostile/fake-video.html');
      const { media: rows } = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: outcome.url, withMedia: true });
      assert.equal(rows[0]!.status, 'failed');
      assert.match(rows[0]!.error ?? '', /^format: not an MP4 or WebM file/);
    });

    it('published one event per stored article and nothing for the refused ones', async () => {
      const stored = outcomes.filter((o) => o.status === 'stored').length;
      assert.equal(stored, 4);
      assert.equal((await storedEvents(p.bus)).length, stored);
    });
  });

  describe('sources that cannot be read are dead-lettered with the reason', () => {
    async function letterFor(sourceId: string): Promise<string> {
      await p.bus.publisher.publish(ScrapeRequestedV1, { sourceId, requestedBy: 'test' });
      const letter = await waitFor(`the dead letter of ${sourceId}`, async () =>
        (await deadLetters(p.bus)).find((l) => l.payload.raw.includes(`"sourceId":"${sourceId}"`)),
      );
      assert.equal(letter.payload.reason, 'poison');
      assert.equal(letter.payload.attempts, 1);
      return letter.payload.error;
    }

    it('a 50 MB listing page', async () => {
      assert.match(await letterFor('huge-listing'), /huge-listing.*larger than the 5 MB limit/);
    });

    it('a feed that redirects to the metadata service', async () => {
      assert.match(await letterFor('redirected-feed'), /169\.254\.169\.254.*link-local/);
    });

    it('a page that is not a feed', async () => {
      assert.match(await letterFor('not-a-feed'), /is not an RSS or Atom feed \(its root element is <html>\)/);
    });

    it('a loopback source that is not allow-listed, refused before connecting', async () => {
      const connections = p.connections.length;
      const requests = p.site.requests.length;
      assert.match(await letterFor('not-allowed'), /refused to connect to 127\.0\.0\.1: loopback/);
      assert.equal(p.connections.length, connections);
      assert.equal(p.site.requests.length, requests);
    });

    it('an unknown source id', async () => {
      assert.match(await letterFor('no-such-source'), /unknown source "no-such-source"/);
    });

    it('a malformed command', async () => {
      const envelope = p.bus.publisher.envelope(Events.ScrapeRequestedV1, { sourceId: 42, maxArticles: -1 }, {});
      await p.bus.js.publish(p.bus.ns.subject(Events.ScrapeRequestedV1), JSON.stringify(envelope), { msgID: envelope.id });
      const letter = await waitFor('the dead letter of the malformed command', async () =>
        (await deadLetters(p.bus)).find((l) => l.payload.eventId === envelope.id),
      );
      assert.equal(letter.payload.reason, 'invalid-payload');
      assert.match(letter.payload.error, /requestedBy/);
    });
  });
});
