import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogPublicationRecordV1, Events, MetricsRequestedV1, type MetricsCollectedV1 } from '#contracts';
import { createLogger } from '#logging';
import { EventPublisher } from '#messaging';
import { waitFor } from '#testing';
import { OAuthTokenSource, ResumableUploader, YoutubeClient } from '#youtube';
import { CLIENT, makeMp4, PublisherHarness } from '../../publisher/test/publisher.fixture.js';
import { CatalogClient } from '../src/catalog.client.js';
import { loadMetricsConfig } from '../src/metrics.config.js';
import { MetricsModule } from '../src/metrics.module.js';
import { MetricsService } from '../src/metrics.service.js';
import { MetricsScheduler } from '../src/scheduler.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VIDEOS = 60;

describe('metrics stage against the fake YouTube (catalog on MariaDB)', () => {
  let harness: PublisherHarness;
  let clock = Date.parse('2026-11-20T09:30:00Z');
  const published = Date.parse('2026-11-20T09:30:00Z');
  const publications: { publicationId: number; externalId: string }[] = [];

  before(async () => {
    harness = await PublisherHarness.start({ channels: [{ name: 'main' }], fake: { now: () => clock, processingMs: 0 } });
    const mp4 = makeMp4(harness.dir, 1, '160x120');
    const { event } = await harness.seedEdit({ mp4 });
    const tokens = new OAuthTokenSource('main', { tokenUrl: harness.fake.tokenUrl, clientId: CLIENT.id, clientSecret: CLIENT.secret, refreshToken: harness.refreshTokens.get('main')! });
    const uploader = new ResumableUploader(new YoutubeClient(tokens, { apiBase: harness.fake.url, analyticsBase: harness.fake.url }));
    for (let i = 0; i < VIDEOS; i++) {
      const data = Buffer.from(`video ${i}`);
      const { video } = await uploader.upload({
        metadata: { snippet: { title: `v${i}`, description: '', tags: [], categoryId: '25', defaultLanguage: 'ko', defaultAudioLanguage: 'ko' }, status: { privacyStatus: 'private', selfDeclaredMadeForKids: false, containsSyntheticMedia: true } },
        source: { bytes: data.length, contentType: 'video/mp4', read: async (o, l) => data.subarray(o, o + l) },
        sessionUri: null,
        onSession: async () => undefined,
      });
      const recorded = await harness.bus.requests.request(CatalogPublicationRecordV1, {
        editId: event.editId,
        platform: 'youtube',
        account: 'main',
        externalId: video.id,
        url: `https://www.youtube.com/watch?v=${video.id}`,
        publishedAt: new Date(published).toISOString(),
        uploadStatus: 'uploaded',
        privacyStatus: 'private',
      });
      publications.push({ publicationId: recorded.publicationId, externalId: video.id });
    }
    await harness.bus.startApp(MetricsModule, 'metrics', {
      ...harness.publisherEnv(),
      METRICS_BACKEND: 'youtube',
      METRICS_SCHEDULER: 'off',
      METRICS_ANALYTICS_HOUR: '10',
    });
  });
  after(async () => {
    await harness?.close();
  });

  async function collectSlot(slotAt: string, key = `test-slot:${slotAt}`): Promise<void> {
    await harness.bus.publisher.publish(MetricsRequestedV1, { slotAt, requestedBy: 'manual' }, { key });
  }

  async function collectedFor(slotAt: string, expected: number): Promise<MetricsCollectedV1[]> {
    return waitFor(`${expected} metrics.collected for ${slotAt}`, async () => {
      const events = (await harness.readEvents(Events.MetricsCollectedV1)).map((e) => e.payload as MetricsCollectedV1).filter((p) => p.slotAt === slotAt);
      return events.length >= expected ? events : null;
    }, 30_000, 200);
  }

  it('snapshots every publication each hourly slot, 50 ids per videos.list call, and the counts grow', async () => {
    clock = published + 30 * 60_000;
    const listsBefore = harness.fake.calls.list;
    await collectSlot('2026-11-20T10:00:00.000Z');
    const first = await collectedFor('2026-11-20T10:00:00.000Z', VIDEOS);
    assert.equal(harness.fake.calls.list - listsBefore, 2, '60 ids in two calls (50 + 10)');
    clock = published + 5 * HOUR;
    await collectSlot('2026-11-20T14:00:00.000Z');
    const later = await collectedFor('2026-11-20T14:00:00.000Z', VIDEOS);
    for (const p of publications) {
      const a = first.find((e) => e.publicationId === p.publicationId)!;
      const b = later.find((e) => e.publicationId === p.publicationId)!;
      assert.ok(b.views > a.views, `views grow for ${p.externalId}: ${a.views} -> ${b.views}`);
      assert.equal(a.source, 'youtube.videos.list');
    }
    const rows = await harness.query<{ n: number }>('SELECT COUNT(*) AS n FROM metric_snapshot WHERE publication_id = ?', [publications[0]!.publicationId]);
    assert.equal(Number(rows[0]!.n), 2, 'one row per slot, the first one kept');
    const ledger = await harness.query<{ units: number }>("SELECT units FROM quota_ledger WHERE bucket = 'general'");
    assert.ok(ledger.reduce((s, r) => s + Number(r.units), 0) >= 4, 'each videos.list drew its unit from the ledger');
    const [status] = await harness.query<{ upload_status: string }>('SELECT upload_status FROM publication WHERE id = ?', [publications[0]!.publicationId]);
    assert.equal(status!.upload_status, 'processed', 'the processing status was refreshed');
  });

  it('adds nothing and announces nothing when a slot is requested again', async () => {
    const before = (await harness.readEvents(Events.MetricsCollectedV1)).length;
    await collectSlot('2026-11-20T14:00:00.000Z', 'test-slot-again');
    await waitFor('the repeated command handled', async () => {
      const [row] = await harness.query<{ n: number }>('SELECT COUNT(*) AS n FROM metric_snapshot');
      return Number(row!.n) === 2 * VIDEOS;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await harness.readEvents(Events.MetricsCollectedV1)).length, before);
    const [row] = await harness.query<{ n: number }>('SELECT COUNT(*) AS n FROM metric_snapshot');
    assert.equal(Number(row!.n), 2 * VIDEOS);
  });

  it('goes daily after two days, in the slot of the publishing hour, and stores Analytics days two days late', async () => {
    clock = Date.parse('2026-11-24T10:20:00Z');
    await collectSlot('2026-11-24T11:00:00.000Z');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await harness.readEvents(Events.MetricsCollectedV1)).filter((e) => (e.payload as MetricsCollectedV1).slotAt === '2026-11-24T11:00:00.000Z').length, 0, 'not the daily slot');
    await collectSlot('2026-11-24T10:00:00.000Z');
    await collectedFor('2026-11-24T10:00:00.000Z', VIDEOS);
    const days = await waitFor('analytics rows', async () => {
      const rows = await harness.query<{ day: string; views: number }>('SELECT day, views FROM metric_daily WHERE publication_id = ? ORDER BY day', [publications[0]!.publicationId]);
      return rows.length > 0 ? rows : null;
    });
    assert.deepEqual(days.map((d) => d.day), ['2026-11-20', '2026-11-21', '2026-11-22'], 'up to two days before the slot');
    assert.ok(days.every((d) => Number(d.views) > 0));
  });

  it('publishes one command per slot however many replicas schedule it', async () => {
    const at = Date.parse('2026-11-25T07:00:10Z');
    const log = createLogger({ app: 'metrics-test', level: 'error' });
    const replicas = [0, 1, 2].map(() => new MetricsScheduler(new EventPublisher(harness.bus.js, harness.bus.ns, 'metrics'), log, { tickMs: 1000, slotMs: HOUR, graceMs: 60_000, now: () => at }));
    const keys = await Promise.all(replicas.map((r) => r.tick()));
    assert.deepEqual(keys, Array(3).fill('metrics:2026-11-25T07:00:00.000Z'));
    const commands = (await harness.readEvents(Events.MetricsRequestedV1)).filter((e) => (e.payload as { slotAt: string }).slotAt === '2026-11-25T07:00:00.000Z');
    assert.equal(commands.length, 1, 'JetStream kept one of the three publishes');
    const late = new MetricsScheduler(new EventPublisher(harness.bus.js, harness.bus.ns, 'metrics'), log, { tickMs: 1000, slotMs: HOUR, graceMs: 60_000, now: () => at + 5 * 60_000 });
    assert.equal(await late.tick(), null, 'a replica starting late in the slot does not publish it again');
  });

  it('reads the counters with videos:batchGetStats when METRICS_STATISTICS_CALL says so (50 ids per call, 1 unit each)', async () => {
    const config = loadMetricsConfig({ ...harness.publisherEnv(), METRICS_BACKEND: 'youtube', METRICS_STATISTICS_CALL: 'videos.batchGetStats', METRICS_ANALYTICS_HOUR: '10' });
    assert.equal(config.statisticsCall, 'videos.batchGetStats');
    const service = new MetricsService(config.youtube!, new CatalogClient(harness.bus.requests), { ...config, statisticsCall: config.statisticsCall, now: () => clock });
    clock = Date.parse('2026-11-21T09:10:00Z');
    const slot = '2026-11-21T09:00:00.000Z';
    const [listsBefore, batchesBefore] = [harness.fake.calls.list, harness.fake.calls.batchGetStats];
    const result = await service.collect(slot, createLogger({ app: 'metrics-test', level: 'error' }));
    assert.equal(result.retry, null);
    assert.equal(result.collected.length, VIDEOS);
    assert.equal(harness.fake.calls.batchGetStats - batchesBefore, 2, '60 ids in two calls (50 + 10)');
    assert.equal(harness.fake.calls.list, listsBefore, 'no videos.list call');
    const rows = await harness.query<{ views: number; source: string }>('SELECT views, source FROM metric_snapshot WHERE slot_at = ? AND publication_id = ?', [new Date(slot), publications[0]!.publicationId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.source, 'youtube.videos.batchGetStats');
    const video = harness.fake.videos.get(publications[0]!.externalId)!;
    assert.equal(Number(rows[0]!.views), harness.fake.statistics(video, clock).views, 'the counts the fake shows at that instant');
  });
});
