import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FakeYoutube } from '../src/fake/fake-youtube.server.js';
import { ResumableUploader } from '../src/resumable-upload.js';
import { nextQuotaReset, quotaDay } from '../src/youtube.types.js';
import { fakeWithChannel, memorySource, metadata, noSleep } from './youtube-fixture.js';

describe('fake YouTube: statistics, analytics, thumbnails, quota days', () => {
  const fakes: FakeYoutube[] = [];
  after(async () => {
    for (const fake of fakes) await fake.stop();
  });

  it('grows videos.list statistics with time and lags the Analytics table by two days', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const { fake, client } = await fakeWithChannel({ now: () => now });
    fakes.push(fake);
    const { video } = await new ResumableUploader(client, { sleep: noSleep }).upload({
      metadata: metadata(),
      source: memorySource(300_000),
      sessionUri: null,
      onSession: async () => undefined,
    });
    const counts: number[] = [];
    for (let hour = 1; hour <= 4; hour++) {
      now += 3_600_000;
      const [item] = await client.listVideos([video.id, 'unknownvid0'], ['statistics', 'status']);
      counts.push(Number(item!.statistics!.viewCount));
      assert.equal(item!.status!.uploadStatus, 'processed');
    }
    assert.ok(counts.every((c, i) => i === 0 || c > counts[i - 1]!), `views grow: ${counts.join(', ')}`);
    const early = await client.analyticsQuery({ startDate: '2026-11-20', endDate: '2026-11-20', metrics: 'views', dimensions: 'day', filters: `video==${video.id}` });
    assert.deepEqual(early.rows, [], 'nothing before two days have passed');
    now = Date.parse('2026-11-24T12:00:00Z');
    const table = await client.analyticsQuery({ startDate: '2026-11-01', endDate: '2026-11-24', metrics: 'views', dimensions: 'day', filters: `video==${video.id}` });
    assert.deepEqual(table.columnHeaders.map((h) => h.name), ['day', 'views']);
    assert.deepEqual(table.rows!.map((r) => r[0]), ['2026-11-20', '2026-11-21', '2026-11-22']);
    await client.setThumbnail(video.id, Buffer.from('fake-jpeg'), 'image/jpeg');
    assert.equal(fake.videos.get(video.id)!.thumbnailBytes, 9);
  });

  it('answers videos:batchGetStats with youtube#videoStats counters, 50 ids at most, not atomic, 1 unit', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const { fake, client } = await fakeWithChannel({ now: () => now, limits: { uploads: 100, general: 5 } });
    fakes.push(fake);
    const { video } = await new ResumableUploader(client, { sleep: noSleep }).upload({ metadata: metadata(), source: memorySource(100_000), sessionUri: null, onSession: async () => undefined });
    now += 3 * 3_600_000;
    // The wire shape, as the API reference gives it.
    const token = await client.tokens.accessToken();
    const raw = await fetch(`${fake.url}/youtube/v3/videos:batchGetStats?part=statistics,snippet&id=${video.id},unknownvid0`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(raw.status, 200);
    const body = (await raw.json()) as { kind: string; etag: string; items: Array<Record<string, unknown>> };
    assert.equal(body.kind, 'youtube#batchGetStatsResponse');
    assert.equal(typeof body.etag, 'string');
    assert.equal(body.items.length, 1, 'not atomic: the unknown id is left out, the known one answered');
    const item = body.items[0] as { kind: string; id: string; snippet: { publishTime: string }; statistics: Record<string, string>; status?: unknown };
    assert.equal(item.kind, 'youtube#videoStats');
    assert.equal(item.id, video.id);
    assert.equal(item.snippet.publishTime, '2026-11-20T10:00:00.000Z');
    assert.deepEqual(Object.keys(item.statistics).sort(), ['commentCount', 'likeCount', 'viewCount']);
    assert.ok(Object.values(item.statistics).every((v) => typeof v === 'string' && /^\d+$/.test(v)), 'uint64 counts as strings');
    assert.equal(item.status, undefined, 'no video resource parts beyond the videoStat ones');
    // The client, and the same counters as videos.list at the same instant.
    const [stat] = await client.batchGetStats([video.id]);
    const [listed] = await client.listVideos([video.id], ['statistics']);
    assert.equal(stat!.statistics!.viewCount, listed!.statistics!.viewCount);
    now += 3_600_000;
    const [later] = await client.batchGetStats([video.id]);
    assert.ok(Number(later!.statistics!.viewCount) > Number(stat!.statistics!.viewCount), 'the counters grow with time');
    assert.equal(fake.calls.batchGetStats, 3);
    // Three batchGetStats and one videos.list, 1 unit each, against a general bucket of 5: one more goes, then none.
    await client.batchGetStats([video.id]);
    await assert.rejects(client.batchGetStats([video.id]), (error: Error) => /quotaExceeded/.test(error.message));
  });

  it('refuses a videos:batchGetStats call without part or id, with an unknown part, or with more than 50 ids', async () => {
    const { fake, client } = await fakeWithChannel();
    fakes.push(fake);
    const token = await client.tokens.accessToken();
    const call = async (query: string): Promise<{ status: number; reason: string }> => {
      const res = await fetch(`${fake.url}/youtube/v3/videos:batchGetStats?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { error: { errors: Array<{ reason: string }> } };
      return { status: res.status, reason: body.error.errors[0]!.reason };
    };
    assert.deepEqual(await call('id=abc'), { status: 400, reason: 'required' });
    assert.deepEqual(await call('part=statistics'), { status: 400, reason: 'required' });
    assert.deepEqual(await call('part=status&id=abc'), { status: 400, reason: 'unknownPart' });
    const ids = Array.from({ length: 51 }, (_, i) => `vid${i}`).join(',');
    assert.deepEqual(await call(`part=statistics&id=${ids}`), { status: 400, reason: 'invalidFilters' });
    await assert.rejects(client.batchGetStats(Array.from({ length: 51 }, (_, i) => `vid${i}`)), RangeError);
    const anonymous = await fetch(`${fake.url}/youtube/v3/videos:batchGetStats?part=statistics&id=abc`);
    assert.equal(anonymous.status, 401);
    fake.inject({ step: 'batchGetStats', status: 503 });
    await assert.rejects(client.batchGetStats(['abc']), (error: Error & { retryable?: boolean }) => error.retryable === true);
  });

  it('keys quota days on midnight in America/Los_Angeles, DST included', () => {
    assert.equal(quotaDay(new Date('2026-07-01T06:59:00Z')), '2026-06-30');
    assert.equal(quotaDay(new Date('2026-07-01T07:00:00Z')), '2026-07-01');
    assert.equal(nextQuotaReset(new Date('2026-07-01T03:00:00Z')).toISOString(), '2026-07-01T07:00:00.000Z');
    assert.equal(nextQuotaReset(new Date('2026-12-01T03:00:00Z')).toISOString(), '2026-12-01T08:00:00.000Z');
  });
});
