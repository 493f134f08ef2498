import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CatalogExternalTrendListV1 } from '#contracts';
import { createLogger } from '#logging';
import { TestBus } from '#testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { CatalogClient } from '../src/catalog.client.js';
import { FakeGoogleTrends } from '../src/fakes/google-trends.fake.js';
import { FAKE_NAVER_CREDENTIALS, FakeNaverDataLab } from '../src/fakes/naver-datalab.fake.js';
import { parseRfc822, parseTrendingRss, trafficMin } from '../src/google-trends.parser.js';
import { parseDataLab } from '../src/naver-datalab.parser.js';
import { fetchDataLab, fetchTrendingRss, TrendSourceError } from '../src/trend-sources.client.js';
import { loadTrendwatchConfig } from '../src/trendwatch.config.js';
import { TrendwatchService } from '../src/trendwatch.service.js';

const FIXTURE = readFileSync(join(import.meta.dirname, '../../../../apps/trendwatch/test/fixtures/trending-kr.xml'), 'utf8');
const HTTP = { timeoutMs: 2000, retries: 2, maxWaitMs: 50 };

describe('Google Trends RSS parser', () => {
  it('reads a recorded-shape KR feed: terms, traffic buckets, news items, and the -0700 pubDate as UTC', () => {
    const { items, problems } = parseTrendingRss(FIXTURE);
    assert.deepEqual(items.map((i) => i.term), ['주말 캠핑', '기준금리', '손흥민', '야구 결승']);
    const camping = items[0]!;
    assert.equal(camping.traffic, '2000+');
    assert.equal(camping.trafficMin, 2000);
    // 05:20 at -0700 is 12:20 UTC (21:20 in Seoul), not 05:20 anything.
    assert.equal(camping.startedAt, '2026-11-29T12:20:00.000Z');
    const detail = camping.detail as { news: { title: string; url: string; source: string }[]; picture: string };
    assert.equal(detail.news.length, 2);
    assert.equal(detail.news[0]!.title, '20~30대, 주말 캠핑으로 몰린다 & 예약 38% 증가');
    assert.equal(detail.news[1]!.source, '예시경제');
    assert.equal(items[1]!.detail && (items[1]!.detail as { news: unknown[] }).news.length, 0);
    assert.equal(items[3]!.trafficMin, 1_000_000);
    // Missing traffic, a date in words, 31 February: the item stays, the field is null, the reason is listed.
    assert.equal(items[2]!.traffic, null);
    assert.equal(items[2]!.startedAt, null);
    assert.equal(items[3]!.startedAt, null);
    assert.ok(problems.some((p) => p.includes('no title')));
    assert.ok(problems.some((p) => p.includes('bad pubDate "Sunday 29 November"')));
    assert.ok(problems.some((p) => p.includes('손흥민') && p.includes('no ht:approx_traffic')));
  });

  it('parses RFC 822 dates with their own offset and refuses impossible ones', () => {
    assert.equal(parseRfc822('Sun, 29 Nov 2026 05:20:00 -0700')!.toISOString(), '2026-11-29T12:20:00.000Z');
    assert.equal(parseRfc822('29 Nov 2026 21:20:00 +0900')!.toISOString(), '2026-11-29T12:20:00.000Z');
    assert.equal(parseRfc822('Sun, 29 Nov 2026 12:20:00 GMT')!.toISOString(), '2026-11-29T12:20:00.000Z');
    for (const bad of ['', 'yesterday', 'Sun, 31 Feb 2026 00:00:00 +0000', 'Sun, 29 Nov 2026 25:00:00 +0000', 'Sun, 29 Nov 2026 05:20:00 +9900', '2026-11-29T12:20:00Z']) {
      assert.equal(parseRfc822(bad), null, bad);
    }
    assert.equal(trafficMin('200+'), 200);
    assert.equal(trafficMin('20K+'), 20_000);
    assert.equal(trafficMin('lots'), null);
  });

  it('refuses a body that is not RSS', () => {
    assert.throws(() => parseTrendingRss('<html><body>Too many requests</body></html>'), /not an RSS 2.0 feed/);
  });
});

describe('Naver DataLab parser', () => {
  it('scales each term by the anchor group of the same request', () => {
    const body = {
      startDate: '2026-11-23',
      endDate: '2026-11-29',
      timeUnit: 'date',
      results: [
        { title: '날씨', keywords: ['날씨'], data: [{ period: '2026-11-28', ratio: 40 }, { period: '2026-11-29', ratio: 60 }] },
        { title: '캠핑', keywords: ['캠핑'], data: [{ period: '2026-11-28', ratio: 50 }, { period: '2026-11-29', ratio: 100 }] },
        { title: '빈 그룹', keywords: ['빈'], data: [] },
      ],
    };
    const { items, problems } = parseDataLab(body, '날씨');
    assert.deepEqual(items.map((i) => [i.term, i.ratio]), [['캠핑', 2], ['빈 그룹', null]]);
    assert.equal(items[0]!.startedAt, '2026-11-29T00:00:00+09:00');
    assert.deepEqual(problems, ['빈 그룹: no data']);
    assert.throws(() => parseDataLab({ results: 'no' }, '날씨'), /does not match its shape/);
    assert.throws(() => parseDataLab({ startDate: 'a', endDate: 'b', timeUnit: 'date', results: [{ title: 'x', data: [{ period: 'bad', ratio: 1 }] }] }, 'x'), /does not match/);
  });
});

describe('trend sources over HTTP against the local fakes', () => {
  let google: FakeGoogleTrends;
  let naver: FakeNaverDataLab;
  const creds = () => ({ url: naver.url, ...FAKE_NAVER_CREDENTIALS });
  const request = { startDate: '2026-11-23', endDate: '2026-11-29', timeUnit: 'date' as const, keywordGroups: [{ groupName: '날씨', keywords: ['날씨'] }, { groupName: '캠핑', keywords: ['캠핑'] }] };

  before(async () => {
    google = await FakeGoogleTrends.start();
    naver = await FakeNaverDataLab.start();
  });
  after(async () => {
    await google?.close();
    await naver?.close();
  });

  it('fetches the feed and retries a 429 (Retry-After) and a 503', async () => {
    const feed = await fetchTrendingRss(google.url, 'KR', HTTP);
    assert.equal(feed.items.length, 10);
    assert.ok(feed.items.every((i) => i.startedAt !== null && i.trafficMin !== null));
    const before = google.requests;
    google.faults.fail(429, 1, '0');
    google.faults.fail(503, 1);
    const again = await fetchTrendingRss(google.url, 'KR', HTTP);
    assert.equal(again.items.length, 10);
    assert.equal(google.requests - before, 3);
  });

  it('gives up after the retries with the status, and does not retry a 404', async () => {
    google.faults.fail(502, 3);
    await assert.rejects(fetchTrendingRss(google.url, 'KR', HTTP), (error: unknown) => error instanceof TrendSourceError && error.status === 502 && /HTTP 502/.test(error.message));
    const before = google.requests;
    await assert.rejects(fetchTrendingRss(google.url.replace('/trending/rss', '/nope'), 'KR', HTTP), (error: unknown) => (error as TrendSourceError).status === 404);
    assert.equal(google.requests - before, 1);
    google.body = '<html>rate limited</html>';
    await assert.rejects(fetchTrendingRss(google.url, 'KR', HTTP), /not an RSS/);
    google.body = null;
  });

  it('asks DataLab with the client headers; 401 is not retried, 429 and 500 are', async () => {
    const result = await fetchDataLab(creds(), request, '날씨', HTTP);
    assert.deepEqual(result.items.map((i) => i.term), ['캠핑']);
    assert.ok(result.items[0]!.ratio! > 0);
    const before = naver.requests;
    await assert.rejects(fetchDataLab({ ...creds(), clientSecret: 'wrong' }, request, '날씨', HTTP), (error: unknown) => {
      const e = error as TrendSourceError;
      return e.status === 401 && /024/.test(e.message) && !e.message.includes('wrong');
    });
    assert.equal(naver.requests - before, 1);
    naver.faults.fail(429, 1, '0', JSON.stringify({ errorMessage: 'Rate limit exceeded.', errorCode: '010' }));
    naver.faults.fail(500, 1);
    assert.equal((await fetchDataLab(creds(), request, '날씨', HTTP)).items.length, 1);
    naver.quota = 0;
    await assert.rejects(fetchDataLab(creds(), request, '날씨', HTTP), (error: unknown) => (error as TrendSourceError).status === 429);
    naver.quota = 1000;
    await assert.rejects(fetchDataLab(creds(), { ...request, keywordGroups: [] }, '날씨', HTTP), (error: unknown) => (error as TrendSourceError).status === 400);
  });
});

for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`trendwatch snapshots into the catalog (${dialect})`, () => {
    let bus: TestBus;
    let dir: string;
    let google: FakeGoogleTrends;
    let naver: FakeNaverDataLab;
    let dbUrl: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'trendwatch-'));
      dbUrl = dialect === 'sqlite' ? `sqlite:${join(dir, 'catalog.sqlite')}` : `${process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/trendwatch_test_${randomBytes(5).toString('hex')}`;
      bus = await TestBus.create();
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: dbUrl, DATA_DIR: dir });
      google = await FakeGoogleTrends.start({ now: () => Date.parse('2026-11-29T12:00:00Z') });
      naver = await FakeNaverDataLab.start();
    });
    after(async () => {
      await google?.close();
      await naver?.close();
      await bus?.close();
      if (dbUrl?.startsWith('mysql')) await (await import('#database')).dropDatabase(dbUrl).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });

    it('records each fetch with its time and source, a failed one with its error, and goes on', async () => {
      const config = loadTrendwatchConfig({ TRENDWATCH_RETRIES: '1' });
      let now = Date.parse('2026-11-29T12:00:00.000Z');
      const service = new TrendwatchService(
        config,
        { googleUrl: google.url, naver: { url: naver.url, ...FAKE_NAVER_CREDENTIALS }, standIn: true },
        new CatalogClient(bus.requests),
        createLogger({ app: 'trendwatch-test', level: 'error' }),
        () => now,
      );
      const ok = await service.tick();
      assert.equal(ok.google.status, 'ok');
      assert.equal(ok.google.items, 10);
      assert.equal(ok.naver?.status, 'ok');
      assert.equal(ok.naver?.items, 4);
      now += 3_600_000;
      google.faults.fail(503, 2);
      const failed = await service.tick();
      assert.equal(failed.google.status, 'failed');
      assert.equal(failed.naver, null);
      now += 3_600_000;
      naver.faults.fail(500, 2);
      const half = await service.tick();
      assert.equal(half.google.status, 'ok');
      assert.equal(half.naver?.status, 'failed');
      const { snapshots } = await bus.requests.request(CatalogExternalTrendListV1, { since: '2026-11-29T00:00:00Z', until: '2026-11-30T00:00:00Z' });
      assert.deepEqual(snapshots.map((s) => `${s.source}:${s.status}`), ['google-trends-rss:ok', 'naver-datalab:ok', 'google-trends-rss:failed', 'google-trends-rss:ok', 'naver-datalab:failed']);
      assert.ok(snapshots.every((s) => s.standIn));
      assert.equal(snapshots[0]!.fetchedAt, '2026-11-29T12:00:00.000Z');
      assert.equal(snapshots[0]!.items.length, 10);
      assert.match(snapshots[2]!.error!, /HTTP 503/);
      const naverItems = snapshots[1]!.items;
      assert.ok(naverItems.every((i) => i.ratio !== null && i.ratio > 0));
      assert.ok(!naverItems.some((i) => i.term === config.anchor), 'the anchor is the yardstick, not an item');
      // The same snapshot again (a retry) is one row.
      const { CatalogExternalTrendRecordV1 } = await import('#contracts');
      const again = await bus.requests.request(CatalogExternalTrendRecordV1, { source: 'google-trends-rss', region: 'KR', fetchedAt: '2026-11-29T12:00:00.000Z', status: 'ok', standIn: true, items: [] });
      assert.equal(again.created, false);
      assert.equal(again.snapshotId, snapshots[0]!.snapshotId);
    });
  });
}
