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

  it('keys quota days on midnight in America/Los_Angeles, DST included', () => {
    assert.equal(quotaDay(new Date('2026-07-01T06:59:00Z')), '2026-06-30');
    assert.equal(quotaDay(new Date('2026-07-01T07:00:00Z')), '2026-07-01');
    assert.equal(nextQuotaReset(new Date('2026-07-01T03:00:00Z')).toISOString(), '2026-07-01T07:00:00.000Z');
    assert.equal(nextQuotaReset(new Date('2026-12-01T03:00:00Z')).toISOString(), '2026-12-01T08:00:00.000Z');
  });
});
