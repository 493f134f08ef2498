import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArticleStoredV1, CatalogArticleGetByUrlV1, CatalogArticleGetV1, CatalogArticleListV1, type ArticleV1, type MediaV1 } from '#contracts';
import sharp from 'sharp';
import type { ArticleOutcome } from '../src/run.types.js';
import { scrape, startPipeline, storedEvents, type Pipeline } from './scraper-fixture.js';

type Stored = Extract<ArticleOutcome, { status: 'stored' }>;

function byStatus<S extends ArticleOutcome['status']>(outcomes: ArticleOutcome[], status: S): Extract<ArticleOutcome, { status: S }>[] {
  return outcomes.filter((o): o is Extract<ArticleOutcome, { status: S }> => o.status === status);
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.') && !d.parentPath.includes('/.'))
    .map((d) => join(d.parentPath, d.name));
}

describe('scraper stage end to end (catalog, files and the sample site on loopback)', () => {
  let p: Pipeline;
  let origin: string;
  const articles = new Map<string, { article: ArticleV1; media: MediaV1[] }>();

  async function article(path: string): Promise<{ article: ArticleV1; media: MediaV1[] }> {
    const found = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: `${origin}${path}`, withMedia: true });
    assert.ok(found.article, `${path} is in the catalog`);
    return { article: found.article, media: found.media };
  }

  before(async () => {
    p = await startPipeline({
      sources: (o) => {
        origin = o;
        const local = { schedule: '30m', allowPrivate: true };
        return [
          { id: 'rss', kind: 'rss', url: `${o}/feed.xml`, ...local },
          { id: 'sitemap', kind: 'sitemap', url: `${o}/sitemap-news.xml`, ...local },
          { id: 'listing', kind: 'listing', url: `${o}/news/index.html`, selectors: { articleLinks: 'li.headline a', nextPage: 'a.next' }, ...local },
        ];
      },
    });
  });
  after(async () => {
    await p?.close();
  });

  it('stores the RSS feed: rows, media rows, text on disk, one article.stored event per article', async () => {
    const report = await scrape(p, 'rss');
    assert.equal(report.failure, null);
    assert.equal(report.discovered, 6);
    const stored = byStatus(report.outcomes, 'stored');
    assert.equal(stored.length, 5, JSON.stringify(report.outcomes, null, 1));
    const events = await storedEvents(p.bus);
    assert.equal(events.length, 5);
    assert.deepEqual(new Set(events.map((e) => ArticleStoredV1.schema.parse(e.payload).articleId)), new Set(stored.map((s) => s.articleId)));
    for (const event of events) {
      const payload = ArticleStoredV1.schema.parse(event.payload);
      const { article, media } = await p.bus.requests.request(CatalogArticleGetV1, { articleId: payload.articleId });
      assert.equal(article.contentHash, payload.contentHash);
      assert.equal(payload.media.length, media.length);
      assert.match(payload.textKey, new RegExp(`^articles/\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{2}/${payload.articleId}/text\\.txt$`));
      const text = readFileSync(join(p.filesRoot, payload.textKey));
      assert.ok(text.length > 200, `text file ${payload.textKey}`);
      // The row points at its text file with size and checksum.
      assert.equal(article.textKey, payload.textKey);
      assert.equal(article.textBytes, text.length);
      assert.equal(article.textSha256, createHash('sha256').update(text).digest('hex'));
    }
  });

  it('files every article under the category the rule gives it', async () => {
    const expected: Record<string, string> = {
      '/articles/rates-hold.html': 'economy',
      '/articles/camping-boom.html': 'travel-food',
      '/articles/camping-gear.html': 'travel-food',
      '/articles/idol-comeback.html': 'gossip',
      '/articles/robot-lab.html': 'it-science',
    };
    for (const [path, category] of Object.entries(expected)) {
      const found = await article(path);
      articles.set(path, found);
      assert.equal(found.article.category, category, path);
    }
    assert.equal((await article('/articles/camping-boom.html')).article.lang, 'ko');
  });

  it('re-encodes images without EXIF, turned upright, with a WebP thumbnail beside each', async () => {
    const report = p.journal.last('rss')!;
    const images = byStatus(report.outcomes, 'stored').flatMap((s) => s.media.filter((m) => m.kind === 'image'));
    assert.ok(images.length >= 4);
    for (const image of images) {
      assert.equal(image.error, null);
      const meta = await sharp(join(p.filesRoot, image.key!)).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.equal(meta.exif, undefined, `${image.key} has no EXIF`);
      assert.equal(meta.orientation, undefined);
      assert.equal(image.derivedKeys.length, 1);
      assert.match(image.derivedKeys[0]!, /image-\d{3}\.thumb\.webp$/);
      const thumb = await sharp(join(p.filesRoot, image.derivedKeys[0]!)).metadata();
      assert.equal(thumb.format, 'webp');
      assert.ok(Math.max(thumb.width!, thumb.height!) <= 320);
    }
    // gear.jpg is stored 480x320 with EXIF orientation 6 (and a GPS position) in the sample site.
    const gear = articles.get('/articles/camping-gear.html')!.media.find((m) => m.sourceUrl.endsWith('/images/gear.jpg'))!;
    assert.deepEqual([gear.width, gear.height, gear.contentType], [320, 480, 'image/jpeg']);
    const pixels = await sharp(join(p.filesRoot, gear.fileKey!)).metadata();
    assert.deepEqual([pixels.width, pixels.height, pixels.exif], [320, 480, undefined]);
    assert.ok(!readFileSync(join(p.filesRoot, gear.fileKey!)).includes('SampleCam'));
  });

  it('stores the direct video with ffprobe facts and keyframes, and records the YouTube player by URL only', async () => {
    const { media } = articles.get('/articles/robot-lab.html')!;
    const video = media.find((m) => m.kind === 'video')!;
    assert.ok(video.fileKey?.endsWith('/video-001.mp4'), video.fileKey ?? 'no key');
    assert.deepEqual([video.width, video.height, video.contentType], [320, 240, 'video/mp4']);
    assert.ok(Math.abs(video.durationS! - 3) < 0.2, `duration ${video.durationS}`);
    assert.equal(video.bytes, statSync(join(p.filesRoot, video.fileKey!)).size);
    const outcome = byStatus(p.journal.last('rss')!.outcomes, 'stored').find((s) => s.url.endsWith('/articles/robot-lab.html'))!;
    const frames = outcome.media.find((m) => m.kind === 'video')!.derivedKeys;
    assert.equal(frames.length, 3);
    for (const frame of frames) {
      assert.match(frame, /video-001\.keyframe-\d{6}\.jpg$/);
      const meta = await sharp(join(p.filesRoot, frame)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 320, 240]);
    }
    const embed = media.find((m) => m.kind === 'embed')!;
    assert.equal(embed.sourceUrl, 'https://www.youtube.com/embed/aqz-KE-bpKQ');
    assert.equal(embed.fileKey, null);
    assert.deepEqual([embed.status, embed.error], ['skipped', null], 'nothing to download, not pending');
    assert.deepEqual([video.status, video.error], ['stored', null]);
    assert.ok(!p.connections.some((c) => c.host.includes('youtube')), 'the player is never fetched');
  });

  it('links the syndicated copy to its original and keeps the same-topic pair as two articles', async () => {
    const report = p.journal.last('rss')!;
    const [near] = byStatus(report.outcomes, 'near-duplicate');
    assert.ok(near);
    assert.equal(near.url, `${origin}/wire/rates-hold-syndicated.html`);
    assert.equal(near.of, `${origin}/articles/rates-hold.html`);
    assert.ok(near.distance <= 3);
    const original = articles.get('/articles/rates-hold.html')!.article;
    const copy = await p.bus.requests.request(CatalogArticleGetByUrlV1, { url: near.url, withMedia: false });
    assert.equal(copy.article?.articleId, original.articleId, 'the copy URL resolves to the original (an alias, not a second row)');
    const boom = articles.get('/articles/camping-boom.html')!.article;
    const gear = articles.get('/articles/camping-gear.html')!.article;
    assert.notEqual(boom.articleId, gear.articleId);
  });

  it('finds the same articles through the news sitemap, decodes the EUC-KR page, stores only what is new', async () => {
    const report = await scrape(p, 'sitemap');
    assert.equal(report.failure, null);
    assert.equal(report.discovered, 8);
    const stored = byStatus(report.outcomes, 'stored');
    assert.deepEqual(stored.map((s) => s.url.slice(origin.length)).sort(), ['/articles/baseball-final.html', '/articles/sleep-study.html']);
    assert.equal(byStatus(report.outcomes, 'exists').length, 6);
    assert.equal((await storedEvents(p.bus)).length, 7);

    const { article: baseball } = await article('/articles/baseball-final.html');
    assert.equal(baseball.title, '한국시리즈 7차전, 9회말 끝내기 안타로 우승 확정');
    assert.equal(baseball.category, 'sports');
    assert.equal(baseball.lang, 'ko');
    const text = readFileSync(join(p.filesRoot, stored.find((s) => s.url.endsWith('baseball-final.html'))!.media[0]!.key!.replace(/image-001\.jpg$/, 'text.txt')), 'utf8');
    assert.ok(text.includes('끝내기 안타로 3대 2 역전승'));
    assert.ok(!text.includes('\uFFFD'));
    assert.equal((await article('/articles/sleep-study.html')).article.category, 'health');
  });

  it('walks the listing pages, and never requests the path robots.txt forbids', async () => {
    const robotsBefore = p.site.requested('/robots.txt').length;
    const report = await scrape(p, 'listing');
    assert.equal(report.failure, null);
    assert.equal(report.discovered, 9);
    const [forbidden] = byStatus(report.outcomes, 'skipped');
    assert.equal(forbidden?.code, 'robots');
    assert.equal(forbidden?.url, `${origin}/private/draft.html`);
    assert.equal(p.site.requested('/private/').length, 0);
    assert.equal(p.site.requested('/robots.txt').length - robotsBefore, 1, 'robots.txt is read once per host per run');
    assert.equal(byStatus(report.outcomes, 'exists').length, 8);
    assert.equal(byStatus(report.outcomes, 'stored').length, 0);
  });

  it('stores nothing twice and publishes nothing twice when the sources run again', async () => {
    const files = filesUnder(p.filesRoot).length;
    const pagesBefore = p.site.requested('/articles/').length;
    for (const source of ['rss', 'sitemap', 'listing']) {
      const report = await scrape(p, source);
      assert.equal(report.failure, null);
      assert.equal(byStatus(report.outcomes, 'stored').length, 0, `${source}: ${JSON.stringify(report.outcomes)}`);
    }
    assert.equal((await storedEvents(p.bus)).length, 7);
    assert.equal(filesUnder(p.filesRoot).length, files);
    // Known URLs are answered by the catalog: the article pages are not fetched again.
    assert.equal(p.site.requested('/articles/').length, pagesBefore);
    const { articles: rows } = await p.bus.requests.request(CatalogArticleListV1, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      pageSize: 50,
    });
    assert.equal(rows.length, 7);
    assert.equal(new Set(rows.map((r) => r.contentHash)).size, 7);
  });

  it('sends the bot user agent and connects to nothing but the loopback site', () => {
    assert.ok(p.site.requests.every((r) => r.userAgent?.startsWith('trend-pipeline-bot/')));
    assert.ok(p.connections.length > 0);
    assert.ok(p.connections.every((c) => c.address === '127.0.0.1'), JSON.stringify(p.connections.filter((c) => c.address !== '127.0.0.1')));
  });
});
