import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CatalogMetricAddV1, CatalogReportLineageV1, CatalogReportLineageV2, type LineageRowV1 } from '#contracts';
import { RemoteError } from '#messaging';
import { startTestApp } from '#testing';
import { chromium } from 'playwright-core';
import { CatalogModule } from '../src/catalog.module.js';
import { openCatalogDatabase } from '../src/database/catalog-database.js';
import { collectReport } from '../src/report.client.js';
import { lineageSql } from '../src/report.service.js';
import { dialectOf, refreshPublicationViewsRange } from '../src/report-views.js';
import { ReportAccumulator } from '../src/report-aggregates.js';
import { pageOfRows, rowsOfPage } from '../src/report-columns.js';
import { csvLines, renderCsv, renderHtml, renderJson } from '../src/report-render.js';
import { DIALECTS, TestDatabase } from './catalog-fixture.js';
import { seedLineage, snapshotOffsets } from './report-seed.js';

const HOUR = 3_600_000;
const root = new URL('../../../../', import.meta.url).pathname;
const START = new Date('2026-11-01T00:00:00Z');
const N = 12;
const DAYS = 4;
// The metrics' "now": 9 days after the start, so the last publications have no 7-day snapshot yet.
const NOW = new Date(START.getTime() + 9 * 24 * HOUR);

function outputDir(): string {
  const dir = join(process.env.TEST_OUTPUT_DIR ?? join(root, 'test-output'), 'report');
  mkdirSync(dir, { recursive: true });
  return dir;
}

for (const dialect of DIALECTS) {
  describe(`lineage report from a seeded catalog over NATS (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'report-'));
    let app: Awaited<ReturnType<typeof startTestApp>>;
    let viewsAt: (i: number, t: number) => number;
    const window = { from: START.toISOString(), to: new Date(START.getTime() + DAYS * 24 * HOUR).toISOString(), timeZone: 'UTC' };

    before(async () => {
      const ds = await openCatalogDatabase(db.url);
      ({ viewsAt } = await seedLineage(ds, { publications: N, snapshotsPer: 10, start: START, days: DAYS, now: NOW }));
      await ds.destroy();
      app = await startTestApp(CatalogModule, { app: 'catalog', env: { CATALOG_DB_URL: db.url, DATA_DIR: dataDir } });
      await app.running.nc.flush();
    });
    after(async () => {
      await app?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('pages the rows by cursor with the whole lineage and the views at each mark', async () => {
      const rows: LineageRowV1[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await app.requests.request(CatalogReportLineageV1, { ...window, cursor, limit: 5 });
        rows.push(...page.rows);
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(rows.map((r) => r.publicationId), Array.from({ length: N }, (_, i) => i + 1));

      const offsets = snapshotOffsets(10);
      const firstAtOrAfter = (mark: number) => offsets.find((t) => t >= mark)!;
      for (const [i, r] of rows.entries()) {
        const published = Date.parse(r.publishedAt);
        const seen = offsets.filter((t) => published + t <= NOW.getTime());
        assert.equal(r.snapshots, seen.length, `snapshots of #${r.publicationId}`);
        const at = (mark: number) => (published + firstAtOrAfter(mark) <= NOW.getTime() ? viewsAt(i, firstAtOrAfter(mark)) : null);
        assert.equal(r.views1h, at(HOUR));
        assert.equal(r.views24h, at(24 * HOUR), 'the first snapshot at or after +24 h is the one at +25 h');
        assert.equal(r.views7d, at(7 * 24 * HOUR));
        assert.equal(r.viewsLatest, viewsAt(i, seen.at(-1)!));
        // The stage at publication ignores the later "fading" transition.
        assert.equal(r.trend.stageAtPublication, i % 3 > 0 ? 'peaking' : 'emerging');
        assert.equal(r.channel, ['main-ko', 'life-ko', 'sports-ko'][i % 3]);
        assert.equal(r.article.category, ['economy', 'life', 'gossip', 'sports'][i % 4]);
        assert.equal(r.story.standIn, i % 2 === 0);
        assert.equal(r.story.template, i % 2 ? 'news-shorts@v2' : null);
        assert.equal(r.video.standIn, true);
        assert.equal(r.edit.editor, 'ffmpeg-standin');
      }
      assert.ok(rows.some((r) => r.views7d === null) && rows.some((r) => r.views7d !== null), 'the window holds both');
    });

    it('answers v2 with the same rows as columns, each repeated string once a page', async () => {
      const v1 = (await app.requests.request(CatalogReportLineageV1, { ...window, limit: 1000 })).rows;
      const rows: LineageRowV1[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await app.requests.request(CatalogReportLineageV2, { ...window, cursor, limit: 5 });
        assert.equal(new Set(page.strings).size, page.strings.length, 'no string twice in a page');
        // Three channels over five rows: a channel's name is in the page once, the rows point at it.
        assert.ok(page.columns.channel.length === page.count && new Set(page.columns.channel).size <= 3);
        rows.push(...rowsOfPage(page));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(rows, v1);
      assert.deepEqual(rowsOfPage(pageOfRows(v1)), v1);
    });

    it('computes the aggregates and the co-occurring external trends from the rows', async () => {
      const data = await collectReport(app.requests, window, { pageSize: 4 });
      const a = data.aggregates;
      assert.equal(a.publications, N);
      const sum = (pred: (r: LineageRowV1) => boolean) => data.rows.filter(pred).reduce((s, r) => s + (r.viewsLatest ?? 0), 0);
      assert.equal(a.totalViews, sum(() => true));
      for (const b of a.byCategory) assert.equal(b.views, sum((r) => r.article.category === b.key), b.key);
      for (const b of a.byStage) assert.equal(b.views, sum((r) => r.trend.stageAtPublication === b.key), b.key);
      for (const b of a.byChannel) assert.equal(b.views, sum((r) => `${r.platform}/${r.channel}` === b.key), b.key);
      assert.deepEqual(a.byStage.map((b) => b.key).sort(), ['emerging', 'peaking']);
      assert.equal(a.byWeekday.reduce((s, b) => s + b.publications, 0), N);
      assert.equal(a.byHour.reduce((s, b) => s + b.views, 0), a.totalViews);
      assert.deepEqual(a.byStoryModel.map((b) => b.key).sort(), ['qwen3-8b', 'story-standin']);
      assert.equal(data.external.length, DAYS);
      assert.deepEqual(data.external[0]!.terms.map((t) => t.term), ['shared', 'hot-0', 'day-0']);
      assert.equal(a.topPerformers.length, 2);
      const shared = a.coOccurringTrends.find((c) => c.term === 'shared');
      assert.deepEqual([shared?.topPublications, shared?.allPublications, shared?.lift], [2, N, 1]);

      const csv = [...renderCsv(data)].join('');
      assert.equal(csv.trimEnd().split('\r\n').length, N + 1);
      assert.match(csv, /shared \| hot-0 \| day-0/);
      const json = JSON.parse(renderJson(data)) as { rows: unknown[] };
      assert.equal(json.rows.length, N);
      if (dialect === 'sqlite') {
        writeFileSync(join(outputDir(), 'report.csv'), csv);
        writeFileSync(join(outputDir(), 'report.html'), renderHtml(data));
      }
    });

    it('follows the snapshot writer: a new snapshot updates the latest views and the count, a repeat changes nothing', async () => {
      const before = (await app.requests.request(CatalogReportLineageV1, { ...window, limit: 1 })).rows[0]!;
      const capturedAt = new Date(NOW.getTime() + HOUR).toISOString();
      const add = { publicationId: before.publicationId, views: 987_654, likes: 1, comments: 0, capturedAt, source: 'youtube.videos.list' };
      assert.equal((await app.requests.request(CatalogMetricAddV1, add)).created, true);
      assert.equal((await app.requests.request(CatalogMetricAddV1, add)).created, false);
      const after = (await app.requests.request(CatalogReportLineageV1, { ...window, limit: 1 })).rows[0]!;
      assert.deepEqual(
        [after.viewsLatest, after.latestAt, after.snapshots, after.views1h, after.views24h, after.views7d],
        [987_654, capturedAt, before.snapshots + 1, before.views1h, before.views24h, before.views7d ?? 987_654],
        'the latest is the new snapshot; a mark reached only now takes it as its first snapshot at or after',
      );
    });

    it("rebuilds publication_views from the snapshots as the migration's backfill does, to the same rows", async () => {
      const read = async () => (await collectReport(app.requests, window, { pageSize: 100, logCheck: false })).rows;
      const before = await read();
      const ds = await openCatalogDatabase(db.url);
      try {
        await ds.query('DELETE FROM publication_views');
        assert.ok((await read()).every((r) => r.viewsLatest === null && r.snapshots === 0), 'the report reads the table, not the snapshots');
        await refreshPublicationViewsRange(ds, dialectOf(ds.options.type), 1, 5000);
      } finally {
        await ds.destroy();
      }
      assert.deepEqual(await read(), before);
    });

    it('reads the stage at publication from the index alone (ix_trend_transition_stage)', async () => {
      const ds = await openCatalogDatabase(db.url);
      try {
        const d = dialectOf(ds.options.type);
        const params = ['2026-11-01 00:00:00.000', '2026-11-05 00:00:00.000', 10];
        if (d === 'mysql') {
          const plan = (await ds.query(`EXPLAIN ${lineageSql(d, false)}`, params)) as { table: string; key: string | null; Extra: string }[];
          const stage = plan.find((step) => step.table === 'tt');
          assert.equal(stage?.key, 'ix_trend_transition_stage', JSON.stringify(plan));
          assert.match(stage?.Extra ?? '', /Using index/, 'no lookup of the transition row');
        } else {
          const plan = (await ds.query(`EXPLAIN QUERY PLAN ${lineageSql(d, false)}`, params)) as { detail: string }[];
          assert.ok(plan.some((step) => /tt USING COVERING INDEX ix_trend_transition_stage/.test(step.detail)), JSON.stringify(plan));
        }
      } finally {
        await ds.destroy();
      }
    });

    it('refuses an empty window and a cursor it did not issue', async () => {
      await assert.rejects(app.requests.request(CatalogReportLineageV1, { from: window.to, to: window.from }), (e: unknown) => e instanceof RemoteError && e.code === 'invalid');
      await assert.rejects(app.requests.request(CatalogReportLineageV1, { ...window, cursor: 'bogus' }), (e: unknown) => e instanceof RemoteError && e.code === 'invalid');
    });
  });
}

describe('lineage report v2 reply and CSV', () => {
  const row: LineageRowV1 = {
    publicationId: 7, platform: 'youtube', channel: 'main, "ko"', channelExternalId: null, publishedAt: '2026-11-01T00:00:00.000Z',
    title: '=HYPERLINK("x")', url: null, privacyStatus: 'private', uploadStatus: null,
    trend: { id: 3, text: '-40% in a day\nreally', stageAtPublication: null },
    story: { id: 4, title: '=HYPERLINK("x")', template: 'news-shorts@v2', model: 'qwen3-8b', standIn: false },
    article: { id: 5, title: '@home', url: 'https://news.example.kr/a/5', category: null },
    video: { id: 6, model: 'slideshow-standin', standIn: true }, edit: { id: 8, editor: 'ffmpeg-standin', standIn: true },
    views1h: 0, views24h: null, views7d: null, viewsLatest: 12, latestAt: '2026-11-01T01:00:00.000Z', snapshots: 1, metricSource: null,
  };

  it('checks a reply by its shape: column lengths, types and dictionary indexes', () => {
    const page = { ...pageOfRows([row, { ...row, publicationId: 8 }]), nextCursor: null };
    assert.ok(CatalogReportLineageV2.response.safeParse(page).success);
    const broken = (change: (columns: Record<string, unknown[]>) => void) => {
      const copy = structuredClone(page);
      change(copy.columns as unknown as Record<string, unknown[]>);
      return CatalogReportLineageV2.response.safeParse(copy);
    };
    assert.match(String(broken((c) => c.views1h!.pop()).error), /1 values for 2 rows/);
    assert.match(String(broken((c) => (c.channel![1] = 99)).error), /index 99 past the \d+ strings/);
    assert.equal(broken((c) => (c.publicationId![0] = '7')).success, false);
    assert.equal(broken((c) => (c.publishedAt![0] = 'yesterday')).success, false);
    assert.equal(broken((c) => (c.storyStandIn![0] = 1)).success, false);
  });

  it('keeps the same most viewed and oldest unmeasured rows as a full sort, newest slices first', () => {
    // 20,000 rows in four slices read newest first, as slices can arrive: many ties in views (the
    // order then goes by id), every seventh row unmeasured.
    const rows = Array.from({ length: 20_000 }, (_, i): LineageRowV1 => ({
      ...row,
      publicationId: i + 1,
      publishedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      viewsLatest: i % 7 === 3 ? null : i % 3,
    }));
    const acc = new ReportAccumulator({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z', timeZone: 'UTC' });
    const slices = [3, 2, 1, 0].map((k) => rows.slice(k * 5000, (k + 1) * 5000));
    for (let p = 0; p < 50; p++) for (const slice of slices) acc.addPage(pageOfRows(slice.slice(p * 100, (p + 1) * 100)));
    const measured = rows.filter((r) => r.viewsLatest !== null).sort((a, b) => b.viewsLatest! - a.viewsLatest! || a.publicationId - b.publicationId);
    assert.deepEqual(acc.shownRows().map((r) => r.publicationId), measured.slice(0, 500).map((r) => r.publicationId));
    const unmeasured = new ReportAccumulator(acc.window);
    for (const slice of slices) unmeasured.addPage(pageOfRows(slice.filter((r) => r.viewsLatest === null)));
    const oldest = rows.filter((r) => r.viewsLatest === null).slice(0, 500);
    assert.deepEqual(unmeasured.shownRows().map((r) => r.publicationId), oldest.map((r) => r.publicationId));
    assert.equal(acc.result([]).publications, 20_000);
  });

  it('writes a CSV line from the columns, quoting and defusing the strings of the dictionary and the rest', () => {
    const line = csvLines(pageOfRows([row]), new Map([['2026-11-01', 'shared | +1']]));
    assert.equal(
      line,
      `7,youtube,"main, ""ko""",,2026-11-01T00:00:00.000Z,"'=HYPERLINK(""x"")",,private,,3,"'-40% in a day\nreally",,4,"'=HYPERLINK(""x"")",` +
        `news-shorts@v2,qwen3-8b,false,5,'@home,https://news.example.kr/a/5,,6,slideshow-standin,true,8,ffmpeg-standin,true,0,,,12,` +
        `2026-11-01T01:00:00.000Z,1,,shared | +1\r\n`,
    );
  });
});

describe('lineage report HTML in headless Chromium', () => {
  it('draws every chart offline (non-blank canvas pixels) and saves a screenshot', async () => {
    const dir = outputDir();
    const page = join(dir, 'report.html');
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${page}`);
      await tab.waitForFunction('document.body.dataset.charts !== undefined', undefined, { timeout: 10_000 });
      assert.deepEqual(errors, []);
      const drawn = (await tab.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return { id: c.id, painted, w: c.width };
      })`)) as { id: string; painted: number; w: number }[];
      assert.equal(drawn.length, 9);
      for (const c of drawn) assert.ok(c.painted > 500 && c.w > 0, `${c.id} drew ${c.painted} pixels`);
      await tab.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('npm run report without a running system', () => {
  it('says to start the system when no catalog answers', () => {
    const cli = join(root, 'dist/apps/catalog/src/report.cli.js');
    const r = spawnSync(process.execPath, [cli, '--from', '2026-11-01', '--to', '2026-11-02', '--format', 'csv'], {
      env: { ...process.env, NATS_NAMESPACE: `noone${Date.now()}`, NATS_REQUEST_TIMEOUT_MS: '500' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no catalog answers on NATS\. Start the system first: npm start/);
    const bad = spawnSync(process.execPath, [cli, '--format', 'pdf'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format pdf: use html, csv or json/);
  });
});
