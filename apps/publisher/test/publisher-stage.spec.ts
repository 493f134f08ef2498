import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CatalogChannelSetV1, CatalogChannelSyncV1, CatalogEditCreateV1, Events, VideoEditedV1, type VideoPublishedV1 } from '#contracts';
import { waitFor } from '#testing';
import { makeMp4, PublisherHarness } from './publisher.fixture.js';

interface UploadRow {
  status: string;
  sessions: number;
  external_id: string | null;
  session_uri: string | null;
}

describe('publisher stage against the fake YouTube (catalog on MariaDB)', () => {
  let harness: PublisherHarness;
  let mp4: string;
  let sha256: string;

  before(async () => {
    harness = await PublisherHarness.start({
      channels: [{ name: 'life', dailyCap: 1 }, { name: 'main' }],
      routes: [
        { categories: ['life'], channels: ['life', 'main'] },
        { categories: ['*'], channels: ['main'] },
      ],
      fake: { partialAcceptance: 0.3, processingMs: 0 },
    });
    mp4 = makeMp4(harness.dir, 3, '640x360');
    sha256 = createHash('sha256').update(readFileSync(mp4)).digest('hex');
    await harness.startPublisher();
  });
  after(async () => {
    await harness?.close();
  });

  async function published(editId: number): Promise<VideoPublishedV1> {
    const event = await waitFor(`video.published for edit ${editId}`, async () => {
      const events = await harness.readEvents(Events.VideoPublishedV1);
      return events.find((e) => (e.payload as VideoPublishedV1).editId === editId);
    }, 30_000, 200);
    return event.payload as VideoPublishedV1;
  }

  it('uploads an edit with the story metadata, sets the thumbnail, reads the status back and records the channel', async () => {
    const thumbnail = Buffer.from('\xff\xd8\xff fake jpeg bytes', 'latin1');
    const { event } = await harness.seedEdit({ mp4, category: 'life', title: '성수동 팝업 <열풍>', thumbnail });
    harness.fake.inject({ step: 'chunk', drop: true, afterBytes: 200 * 1024 }, { step: 'status', status: 503 }, { step: 'chunk', status: 502 });
    await harness.publishEdited(event);
    const payload = await published(event.editId);
    assert.equal(payload.platform, 'youtube');
    assert.equal(payload.account, 'life', 'the first channel of the life route');
    assert.equal(payload.privacyStatus, 'private');
    assert.equal(payload.uploadStatus, 'processed');
    const video = harness.fake.videos.get(payload.externalId)!;
    assert.equal(video.sha256, sha256, 'the MP4 arrived intact');
    assert.equal(video.channelId, 'UClife');
    assert.equal(video.title, '성수동 팝업 열풍', 'angle brackets are not allowed in titles');
    assert.match(video.description, /Source: 기사 \d+\nhttps:\/\/news\.example\.kr\/article\//);
    assert.deepEqual(video.tags, ['뉴스', 'test tag']);
    assert.equal(video.defaultLanguage, 'ko');
    assert.equal(video.privacyStatus, 'private');
    assert.equal(video.containsSyntheticMedia, true);
    assert.equal(video.thumbnailBytes, thumbnail.length);
    assert.equal(harness.fake.pendingFaults(), 0);
    const [row] = await harness.query<{ account: string; channel_id: number; privacy_status: string; upload_status: string; title: string; name: string; external_id: string }>(
      'SELECT p.account, p.channel_id, p.privacy_status, p.upload_status, p.title, c.name, c.external_id FROM publication p JOIN channel c ON c.id = p.channel_id WHERE p.edit_id = ?',
      [event.editId],
    );
    assert.equal(row!.name, 'life');
    assert.equal(row!.external_id, 'UClife', 'the channel id as YouTube reported it');
    assert.equal(row!.privacy_status, 'private');
    assert.equal(row!.upload_status, 'processed');
    const [upload] = await harness.query<UploadRow>('SELECT status, sessions, external_id, session_uri FROM upload WHERE edit_id = ?', [event.editId]);
    assert.equal(upload!.status, 'published');
    assert.equal(upload!.sessions, 1, 'one session despite three faults');
    assert.equal(upload!.external_id, payload.externalId);
  });

  it('publishes nothing twice, and announces nothing again, when a second distinct edited event of the edit comes', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    await harness.publishEdited(event);
    const first = await published(event.editId);
    await waitFor('the announcement to be marked', async () => {
      const [row] = await harness.query<UploadRow>('SELECT status, sessions, external_id, session_uri FROM upload WHERE edit_id = ?', [event.editId]);
      return row?.status === 'published';
    });
    const sessionsBefore = harness.fake.calls.start;
    // A second edited event (not a redelivery: another message id) for the same edit.
    await harness.bus.publisher.publish(VideoEditedV1, event, { key: `test-edited-again:${event.editId}` });
    await harness.settled();
    assert.equal(harness.fake.calls.start, sessionsBefore, 'no new upload session');
    assert.equal(harness.fake.videosOf('UCmain').filter((v) => v.id === first.externalId).length, 1);
    const events = (await harness.readEvents(Events.VideoPublishedV1)).filter((e) => (e.payload as VideoPublishedV1).editId === event.editId);
    assert.deepEqual(events.map((e) => (e.payload as VideoPublishedV1).publicationId), [first.publicationId], 'announced once: the second message is not news');
    const rows = await harness.query<{ n: number }>('SELECT COUNT(*) AS n FROM publication WHERE edit_id = ?', [event.editId]);
    assert.equal(Number(rows[0]!.n), 1);
  });

  it('publishes a second edit of a published story as its own video, without announcing the first publication again', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    await harness.publishEdited(event);
    const first = await published(event.editId);
    await harness.settled();
    // Another edit of the same video (another editor): a distinct file, a distinct edit id.
    const key = await harness.files.allocate({ scope: 'publisher-test', scopeId: `second-${event.editId}`, role: 'edited', ext: 'mp4', index: 1 });
    await harness.files.putFile(key, mp4);
    const second = await harness.bus.requests.request(CatalogEditCreateV1, { videoId: event.videoId, editor: 'test-editor-2', standIn: true, platformProfile: 'youtube-shorts', fileKey: key, durationS: 2, editedAt: new Date().toISOString() });
    assert.notEqual(second.editId, event.editId);
    await harness.publishEdited({ ...event, editId: second.editId, editor: 'test-editor-2', fileKey: key });
    const other = await published(second.editId);
    await harness.settled();
    assert.notEqual(other.publicationId, first.publicationId);
    assert.notEqual(other.externalId, first.externalId);
    const all = (await harness.readEvents(Events.VideoPublishedV1)).map((e) => e.payload as VideoPublishedV1);
    assert.equal(all.filter((p) => p.publicationId === first.publicationId).length, 1, 'the first publication was announced once');
    assert.equal(all.filter((p) => p.publicationId === other.publicationId).length, 1);
  });

  it('announces a publication that was recorded but not marked announced (a crash between the two) with the next message of its edit, as one stream event', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    await harness.publishEdited(event);
    const first = await published(event.editId);
    await harness.settled();
    // As if the process had died after recording the publication, before its announcement went out.
    const { openCatalogDatabase } = await import('../../catalog/src/database/catalog-database.js');
    const ds = await openCatalogDatabase(harness.db.url);
    try {
      await ds.query("UPDATE upload SET status = 'uploaded' WHERE edit_id = ?", [event.editId]);
    } finally {
      await ds.destroy();
    }
    const sessionsBefore = harness.fake.calls.start;
    await harness.bus.publisher.publish(VideoEditedV1, event, { key: `test-edited-after-crash:${event.editId}` });
    await waitFor('the late announcement to be marked', async () => {
      const [row] = await harness.query<UploadRow>('SELECT status, sessions, external_id, session_uri FROM upload WHERE edit_id = ?', [event.editId]);
      return row?.status === 'published';
    });
    assert.equal(harness.fake.calls.start, sessionsBefore, 'no new upload session');
    await harness.settled();
    // Here the first announcement had gone out before the "crash" (as when two replicas announce
    // one publication from two distinct messages): the repeat carries the publication's own message
    // id, so the stream holds the one event.
    const events = (await harness.readEvents(Events.VideoPublishedV1)).filter((e) => (e.payload as VideoPublishedV1).editId === event.editId);
    assert.deepEqual(events.map((e) => (e.payload as VideoPublishedV1).externalId), [first.externalId], 'one event: the same video, announced once');
    // And a third message changes nothing.
    await harness.bus.publisher.publish(VideoEditedV1, event, { key: `test-edited-third:${event.editId}` });
    await harness.settled();
    assert.equal((await harness.readEvents(Events.VideoPublishedV1)).filter((e) => (e.payload as VideoPublishedV1).editId === event.editId).length, 1);
  });

  it('routes past a channel at its daily cap to the next channel of the route', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'life' });
    await harness.publishEdited(event);
    const payload = await published(event.editId);
    assert.equal(payload.account, 'main', 'life has a cap of 1 and already took one video today');
  });

  it('records a rejection (uploadStatus and rejectionReason)', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    harness.fake.rejectNext('duplicate');
    await harness.publishEdited(event);
    const payload = await published(event.editId);
    assert.equal(payload.uploadStatus, 'rejected');
    assert.equal(payload.rejectionReason, 'duplicate');
    const [row] = await harness.query<{ upload_status: string; rejection_reason: string }>('SELECT upload_status, rejection_reason FROM publication WHERE edit_id = ?', [event.editId]);
    assert.deepEqual({ ...row }, { upload_status: 'rejected', rejection_reason: 'duplicate' });
  });

  it('pauses a channel on quotaExceeded without a dead letter, and publishes once it is back', async () => {
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    harness.fake.inject({ step: 'start', reason: 'quotaExceeded' });
    await harness.publishEdited(event);
    const paused = await waitFor('main paused', async () => {
      const { channels } = await harness.bus.requests.request(CatalogChannelSyncV1, { platform: 'youtube', names: ['main'] });
      return channels[0]!.status === 'paused' ? channels[0] : null;
    }, 20_000, 100);
    assert.match(paused.reason ?? '', /quotaExceeded/);
    const reset = Date.parse(paused.pausedUntil!);
    assert.ok(reset > Date.now() && reset - Date.now() <= 25 * 3_600_000, 'paused until the next midnight Pacific');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await harness.readEvents(Events.VideoPublishedV1)).filter((e) => (e.payload as VideoPublishedV1).editId === event.editId).length, 0);
    assert.equal((await harness.readEvents(`dlq.${Events.VideoEditedV1}`)).length, 0, 'the message waits, it is not dead-lettered');
    // The quota day resets (here: a person re-enables the channel early).
    await harness.bus.requests.request(CatalogChannelSetV1, { platform: 'youtube', name: 'main', status: 'active', reason: null });
    const payload = await published(event.editId);
    assert.equal(payload.account, 'main');
    assert.equal(harness.fake.videos.get(payload.externalId)!.sha256, sha256);
  });

  it('disables a channel whose refresh token was revoked, saying what to do', async () => {
    harness.fake.revoke(harness.refreshTokens.get('main')!);
    harness.fake.expireAccessTokens();
    const { event } = await harness.seedEdit({ mp4, category: 'economy' });
    await harness.publishEdited(event);
    const disabled = await waitFor('main disabled', async () => {
      const { channels } = await harness.bus.requests.request(CatalogChannelSyncV1, { platform: 'youtube', names: ['main'] });
      return channels[0]!.status === 'disabled' ? channels[0] : null;
    }, 20_000, 100);
    assert.match(disabled.reason ?? '', /invalid_grant/);
    assert.match(disabled.reason ?? '', /Authorise the channel again/);
    assert.doesNotMatch(disabled.reason ?? '', /refresh-main/, 'no token in the reason');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await harness.readEvents(`dlq.${Events.VideoEditedV1}`)).length, 0);
    const [upload] = await harness.query<UploadRow>('SELECT status, sessions, external_id, session_uri FROM upload WHERE edit_id = ?', [event.editId]);
    assert.equal(upload!.sessions, 0, 'nothing was uploaded');
  });
});
