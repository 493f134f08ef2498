import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogMediaUpdateV1, MediaV1 } from '#contracts';
import { CatalogError } from '../src/catalog.errors.js';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

function media(position: number, kind: 'image' | 'video' = 'image') {
  return { kind, position, sourceUrl: `https://img.example.kr/${position}.jpg`, caption: `사진 ${position}` };
}

for (const dialect of DIALECTS) {
  describe(`catalog articles (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let b: Replica;

    before(async () => {
      a = await Replica.open(db);
      b = await Replica.open(db);
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await db.drop();
    });

    it('stores an article once per canonical URL', async () => {
      const first = await a.catalog.upsertArticle(articleRequest(1, { url: 'https://News.Example.kr/article/1?b=2&a=1#top' }));
      assert.equal(first.created, true);
      assert.equal(first.matchedBy, 'none');
      // Same page: other host case, tracking parameters, fragment, parameter order.
      const again = await a.catalog.upsertArticle(
        articleRequest(1, { url: 'https://news.example.kr/article/1?a=1&utm_source=x&b=2&fbclid=y', contentHash: 'another-hash-of-the-same-page' }),
      );
      assert.equal(again.created, false);
      assert.equal(again.matchedBy, 'url');
      assert.equal(again.articleId, first.articleId);
      assert.equal(again.duplicateOf, null);
      assert.equal(await a.count('article'), 1);
      const stored = await a.catalog.getArticle(first.articleId);
      assert.equal(stored.article.url, 'https://news.example.kr/article/1?a=1&b=2');
    });

    it('records the text file once; the same values again are fine, another key is a conflict', async () => {
      const { articleId } = await a.catalog.upsertArticle(articleRequest(40));
      // The upsert may already carry the key alone (the fixture does); size and checksum come later.
      const text = { articleId, textKey: articleRequest(40).textKey!, textBytes: 1234, textSha256: 'a'.repeat(64) };
      const [one, two] = await Promise.all([a.catalog.setArticleText(text), b.catalog.setArticleText(text)]);
      assert.equal(one.textKey, text.textKey);
      assert.equal(two.textBytes, 1234);
      assert.equal(one.textSha256, 'a'.repeat(64));
      await assert.rejects(a.catalog.setArticleText({ ...text, textKey: 'articles/2026/11/26/ab/1/other.txt' }), (error: CatalogError) => error.code === 'conflict');
      await assert.rejects(a.catalog.setArticleText({ ...text, articleId: 999_999 }), (error: CatalogError) => error.code === 'not-found');
      assert.equal((await b.catalog.getArticle(articleId)).article.textKey, text.textKey);
    });

    it('keeps different EUC-KR query strings apart (no UTF-8 round trip)', async () => {
      const one = await a.catalog.upsertArticle(articleRequest(2, { url: 'https://news.example.kr/search?q=%C7%D1' }));
      const two = await a.catalog.upsertArticle(articleRequest(3, { url: 'https://news.example.kr/search?q=%B1%DB' }));
      assert.equal(one.created, true);
      assert.equal(two.created, true);
    });

    it('returns the existing article for the same content under another URL, and remembers the URL', async () => {
      const original = await a.catalog.upsertArticle(articleRequest(4, { media: [media(0)] }));
      const copy = await a.catalog.upsertArticle(articleRequest(5, { contentHash: articleRequest(4).contentHash, media: [media(0), media(1)] }));
      assert.equal(copy.created, false);
      assert.equal(copy.matchedBy, 'content-hash');
      assert.equal(copy.articleId, original.articleId);
      assert.equal(copy.duplicateOf, original.articleId);
      assert.deepEqual(
        copy.media.map((m) => m.position),
        [0],
        'the copy does not add its media to the original',
      );
      const byAlias = await a.catalog.getArticleByUrl(articleRequest(5).url, true);
      assert.equal(byAlias.article?.articleId, original.articleId);
      assert.equal(byAlias.media.length, 1);
      // Asking again under the alias gives the same answer.
      const repeat = await a.catalog.upsertArticle(articleRequest(5, { contentHash: articleRequest(4).contentHash }));
      assert.equal(repeat.duplicateOf, original.articleId);
      assert.equal(await a.count('article', `content_hash = '${articleRequest(4).contentHash}'`), 1);
    });

    it('makes exactly one row when two replicas race the same article 20 times', async () => {
      const request = articleRequest(100, { media: [media(0), media(1), media(2)] });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).catalog.upsertArticle(request)));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.articleId)).size, 1);
      assert.equal(await a.count('article', `url_hash = (SELECT url_hash FROM article WHERE id = ${results[0]!.articleId})`), 1);
      assert.equal(await a.count('media', `article_id = ${results[0]!.articleId}`), 3);
    });

    it('makes exactly one row when replicas race the same content under 20 URLs', async () => {
      const contentHash = 'raced-content-hash-0123456789';
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).catalog.upsertArticle(articleRequest(200 + i, { contentHash }))),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.articleId)).size, 1);
      assert.equal(await a.count('article', `content_hash = '${contentHash}'`), 1);
      assert.equal(await a.count('article_alias', `article_id = ${results[0]!.articleId}`), 19);
    });

    it('round-trips an article with its media in article order', async () => {
      const request = articleRequest(300, {
        sourceKey: null,
        category: 'gossip',
        keyFacts: ['첫째', 'second fact'],
        textBytes: 1234,
        textSha256: 'b'.repeat(64),
        media: [media(2), { ...media(0, 'video'), durationS: 12.5, width: 1920, height: 1080, bytes: 5_000_000_000 }, media(1)],
      });
      const stored = await a.catalog.upsertArticle(request);
      const { article, media: items } = await b.catalog.getArticle(stored.articleId);
      assert.equal(article.title, request.title);
      assert.equal(article.category, 'gossip');
      assert.deepEqual(article.keyFacts, ['첫째', 'second fact']);
      assert.equal(article.publishedAt, request.publishedAt);
      assert.equal(article.scrapedAt, request.scrapedAt);
      assert.equal(article.textBytes, 1234);
      assert.deepEqual(
        items.map((m) => m.position),
        [0, 1, 2],
      );
      assert.equal(items[0]!.kind, 'video');
      assert.equal(items[0]!.durationS, 12.5);
      assert.equal(items[0]!.bytes, 5_000_000_000, 'bigint comes back as a number');
      assert.equal(items[1]!.caption, '사진 1');
    });

    it('updates a media row after download, only the given fields', async () => {
      const stored = await a.catalog.upsertArticle(articleRequest(301, { media: [media(0)] }));
      const mediaId = stored.media[0]!.mediaId;
      const updated = await b.catalog.updateMedia({ mediaId, fileKey: 'a/b/301-0.jpg', bytes: 2048, sha256: 'c'.repeat(64), width: 640, height: 480 });
      assert.equal(updated.fileKey, 'a/b/301-0.jpg');
      assert.equal(updated.width, 640);
      assert.equal(updated.caption, '사진 0', 'untouched');
      await assert.rejects(a.catalog.updateMedia({ mediaId: 999_999, bytes: 1 }), (e: unknown) => e instanceof CatalogError && e.code === 'not-found');
    });

    it('records a failed download with its reason, and a later file as stored', async () => {
      const stored = await a.catalog.upsertArticle(articleRequest(310, { media: [media(0), media(1), { ...media(2), fileKey: 'a/b/310-2.jpg' }] }));
      const [first, second, third] = stored.media.map((m) => m.mediaId) as [number, number, number];
      const pending = (await b.catalog.getArticle(stored.articleId)).media;
      assert.deepEqual(pending.map((m) => [m.status, m.error]), [[null, null], [null, null], ['stored', null]], 'null = pending; a row arriving with its file is stored');

      const reason = 'too-many-pixels: the image is larger than the 50 MP limit (20000x20000 = 400 MP)';
      const failed = await b.catalog.updateMedia({ mediaId: first, status: 'failed', error: reason });
      assert.deepEqual([failed.status, failed.error, failed.fileKey], ['failed', reason, null]);
      const skipped = await a.catalog.updateMedia({ mediaId: second, status: 'skipped' });
      assert.deepEqual([skipped.status, skipped.error], ['skipped', null]);

      // Round trip through the other replica, and a long error that fills the column on both dialects.
      const long = `http-status: ${'x'.repeat(986)}`;
      await a.catalog.updateMedia({ mediaId: third, status: 'failed', error: long });
      const read = (await b.catalog.getArticle(stored.articleId)).media;
      assert.deepEqual(read.map((m) => m.status), ['failed', 'skipped', 'failed']);
      assert.equal(read[0]!.error, reason);
      assert.equal(read[2]!.error, long);
      assert.equal(read[2]!.fileKey, 'a/b/310-2.jpg', 'a status alone leaves the file key');

      // A retry that stores the file: the key alone means stored and the old error is gone.
      const retried = await a.catalog.updateMedia({ mediaId: first, fileKey: 'a/b/310-0.jpg', bytes: 10 });
      assert.deepEqual([retried.status, retried.error, retried.fileKey], ['stored', null, 'a/b/310-0.jpg']);
      // An explicit status wins over the implication.
      const explicit = await b.catalog.updateMedia({ mediaId: second, fileKey: 'a/b/310-1.jpg', status: 'skipped' });
      assert.deepEqual([explicit.status, explicit.fileKey], ['skipped', 'a/b/310-1.jpg']);
      // The contract refuses what the columns cannot hold (the service trusts validated requests).
      assert.equal(CatalogMediaUpdateV1.request.safeParse({ mediaId: first, status: 'lost' }).success, false);
      assert.equal(CatalogMediaUpdateV1.request.safeParse({ mediaId: first, status: 'failed', error: 'x'.repeat(1001) }).success, false);
      // A reply from a catalog without the new columns still parses: the item reads as pending.
      const { status: _s, error: _e, ...older } = read[1]!;
      assert.deepEqual([MediaV1.parse(older).status, MediaV1.parse(older).error], [null, null]);
    });

    it('adds missing media on a retry of the same URL, never duplicates a position', async () => {
      const first = await a.catalog.upsertArticle(articleRequest(302, { media: [media(0)] }));
      const retry = await b.catalog.upsertArticle(articleRequest(302, { media: [media(0), media(1)] }));
      assert.deepEqual(
        retry.media.map((m) => [m.position, m.created]),
        [
          [0, false],
          [1, true],
        ],
      );
      assert.equal(await a.count('media', `article_id = ${first.articleId}`), 2);
    });

    it('stores an unknown category as other and knows common aliases', async () => {
      const unknown = await a.catalog.upsertArticle(articleRequest(303, { category: 'weird-label' }));
      assert.equal(unknown.category, 'other');
      const alias = await a.catalog.upsertArticle(articleRequest(304, { category: 'Entertainment' }));
      assert.equal(alias.category, 'gossip');
    });

    it('lists by category and time window, newest first, in pages', async () => {
      const base = Date.UTC(2026, 2, 1, 0, 0, 0);
      for (let i = 0; i < 7; i++) {
        await a.catalog.upsertArticle(articleRequest(400 + i, { category: 'life', scrapedAt: new Date(base + i * 3_600_000).toISOString() }));
      }
      await a.catalog.upsertArticle(articleRequest(410, { category: 'economy', scrapedAt: new Date(base + 3_600_000).toISOString() }));
      const window = { category: 'life', by: 'scraped' as const, from: new Date(base + 3_600_000).toISOString(), to: new Date(base + 6 * 3_600_000).toISOString() };
      const first = await b.catalog.listArticles({ ...window, pageSize: 3 });
      assert.deepEqual(
        first.articles.map((x) => x.title),
        ['기사 405', '기사 404', '기사 403'],
      );
      assert.ok(first.nextCursor);
      const second = await b.catalog.listArticles({ ...window, pageSize: 3, cursor: first.nextCursor });
      assert.deepEqual(
        second.articles.map((x) => x.title),
        ['기사 402', '기사 401'],
      );
      assert.equal(second.nextCursor, null);
      const all = await b.catalog.listArticles({ ...window, category: null, pageSize: 50 });
      assert.equal(all.articles.length, 6, 'both categories when none is given');
      await assert.rejects(b.catalog.listArticles({ ...window, pageSize: 3, cursor: 'garbage' }), (e: unknown) => e instanceof CatalogError && e.code === 'invalid');
      await assert.rejects(b.catalog.listArticles({ ...window, category: 'nope', pageSize: 3 }), (e: unknown) => e instanceof CatalogError && e.code === 'invalid');
    });

    it('needs a registered source, and upserts sources by key', async () => {
      await assert.rejects(a.catalog.upsertArticle(articleRequest(500, { sourceKey: 'yonhap' })), (e: unknown) => e instanceof CatalogError && e.code === 'not-found');
      const created = await a.catalog.upsertSource({ key: 'yonhap', name: '연합뉴스', kind: 'news', baseUrl: 'https://www.yna.co.kr', lang: 'ko', defaultCategory: 'society' });
      const again = await b.catalog.upsertSource({ key: 'yonhap', name: 'Yonhap News', kind: 'news' });
      assert.equal(created.created, true);
      assert.equal(again.created, false);
      assert.equal(again.sourceId, created.sourceId);
      const stored = await a.catalog.upsertArticle(articleRequest(500, { sourceKey: 'yonhap' }));
      assert.equal((await b.catalog.getArticle(stored.articleId)).article.sourceKey, 'yonhap');
    });
  });
}
