import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LoggerEventKeysV1, StoryWrittenV1, TrendDetectedV1, VideoGeneratedV1, VideoPublishedV1 } from '#contracts';
import { TestBus, waitFor, type TestNatsServer } from '#testing';
import { CatalogModule } from '../apps/catalog/src/catalog.module.js';
import { openCatalogDatabase } from '../apps/catalog/src/database/catalog-database.js';
import { LoggerModule } from '../apps/logger/src/logger.module.js';
import { seedLineage } from '../apps/catalog/test/report-seed.js';
import { passwordOf, startAuthNatsServer, USERS } from './nats-auth.fixture.js';

const root = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
const N = 6;
/** Publication 3's publish event never reached the log DB: the report must say so. */
const UNLOGGED = 3;

function runCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/apps/catalog/src/report.cli.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done) => child.on('close', (status) => done({ status, stderr })));
}

/**
 * `npm run report` under the production NATS permissions: the tool logs in as its own user
 * `report` (config/apps/report.yaml, tool: true), the catalog and the logger as theirs, and the
 * report compares its counts with the events the logger stored.
 */
describe('the report tool under production NATS permissions', () => {
  let server: TestNatsServer;
  let bus: TestBus;
  const dir = mkdtempSync(join(tmpdir(), 'report-auth-'));
  const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR);
  const as = (user: string): Record<string, string> => ({ NATS_USER: user, NATS_PASSWORD: passwordOf(user) });

  before(async () => {
    server = await startAuthNatsServer();
    bus = await TestBus.create({ natsUrl: server.url, user: 'admin', password: passwordOf('admin'), namespace: '' });
    const catalogUrl = `sqlite:${join(dir, 'catalog.sqlite')}`;
    const ds = await openCatalogDatabase(catalogUrl);
    await seedLineage(ds, { publications: N, snapshotsPer: 5, start, days: 1 });
    await ds.destroy();
    await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: catalogUrl, DATA_DIR: dir, ...as('catalog') });
    await bus.startApp(LoggerModule, 'logger', { LOG_DB_URL: `sqlite:${join(dir, 'logs.sqlite')}`, DATA_DIR: dir, ...as('logger') });
    // The events the stages would have sent for the seeded lineages (ids in insertion order).
    for (let id = 1; id <= N; id++) {
      const at = new Date(start.getTime() + ((id - 1) * 24 * HOUR) / N).toISOString();
      await bus.publisher.publish(TrendDetectedV1, { trendId: id, text: `trend ${id}`, category: null, windowStart: at, windowEnd: at, articleIds: [id], score: 1, detector: 'seed' });
      await bus.publisher.publish(StoryWrittenV1, { storyId: id, trendId: id, articleId: id, model: 'story-standin', standIn: true, textKey: `stories/${id}.json` });
      await bus.publisher.publish(VideoGeneratedV1, { videoId: id, storyId: id, model: 'slideshow-standin', standIn: true, fileKey: `videos/${id}.mp4`, durationS: 30, hasAudio: true });
      if (id === UNLOGGED) continue;
      await bus.publisher.publish(VideoPublishedV1, { publicationId: id, editId: id, platform: 'youtube', account: 'main-ko', externalId: `vid${id}`, url: null, publishedAt: at });
    }
    const window = { from: new Date(start.getTime() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() };
    await waitFor(
      'the logger stored the events',
      async () => {
        const r = await bus.requests.request(LoggerEventKeysV1, { subject: 'pipeline.video.generated.v1', key: 'videoId', ...window });
        const p = await bus.requests.request(LoggerEventKeysV1, { subject: 'pipeline.video.published.v1', key: 'publicationId', ...window });
        return r.distinct === N && p.distinct === N - 1 ? true : undefined;
      },
      30_000,
      200,
    );
  });
  after(async () => {
    await bus?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the tool a user that may ask only its three request subjects (and the owners\' pings)', () => {
    const user = USERS.find((u) => u.user === 'report');
    assert.ok(user, 'config/apps/report.yaml declares a user');
    assert.deepEqual(user.publish, ['catalog.ping.v1', 'catalog.report.externalTrends.v1', 'catalog.report.lineage.v2', 'logger.events.keys.v1', 'logger.ping.v1']);
    assert.deepEqual(user.subscribe, ['_INBOX_report.>']);
    assert.equal(user.allowResponses, false);
  });

  it('writes HTML, CSV and JSON from one read as user report, with the log DB comparison', async () => {
    const out = join(dir, 'report');
    const from = new Date(start.getTime() - HOUR).toISOString();
    const to = new Date(start.getTime() + 2 * 24 * HOUR).toISOString();
    const r = await runCli(['--from', from, '--to', to, '--format', 'html,csv,json', '--out', out, '--tz', 'UTC'], {
      NATS_URL: server.url,
      NATS_NAMESPACE: '',
      ...as('report'),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${N} publications`));
    assert.match(r.stderr, new RegExp(`publications: ${N} in the report, ${N - 1} with a pipeline\\.video\\.published\\.v1 event; 1 without \\(ids ${UNLOGGED}\\)`));
    for (const kind of ['videos', 'stories', 'trends']) assert.match(r.stderr, new RegExp(`${kind}: ${N} in the report, ${N} with a \\S+ event: agree`));
    const json = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { rows: { publicationId: number }[]; logCheck: { checked: boolean; agree: boolean; kinds: { kind: string; missingIds: number[] }[] } };
    // The window is read as four slices at once; the files still list the rows oldest first.
    const ids = Array.from({ length: N }, (_, i) => i + 1);
    assert.deepEqual(json.rows.map((r) => r.publicationId), ids);
    assert.deepEqual([json.logCheck.checked, json.logCheck.agree], [true, false]);
    assert.deepEqual(json.logCheck.kinds.find((k) => k.kind === 'publications')?.missingIds, [UNLOGGED]);
    const csvIds = readFileSync(`${out}.csv`, 'utf8').trimEnd().split('\r\n').slice(1).map((line) => Number(line.split(',')[0]));
    assert.deepEqual(csvIds, ids);
    assert.match(readFileSync(`${out}.html`, 'utf8'), /Agreement with the log DB: the counts differ/);
  });

  it('stops with the advice where users come from when the router refuses its login', async () => {
    const r = await runCli(['--from', start.toISOString(), '--to', new Date(start.getTime() + 24 * HOUR).toISOString(), '--format', 'csv', '--out', join(dir, 'x.csv')], {
      NATS_URL: server.url,
      NATS_NAMESPACE: '',
      NATS_REQUEST_TIMEOUT_MS: '1000',
      NATS_USER: 'report',
      NATS_PASSWORD: 'wrong',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /refused user "report"/);
  });
});
