import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Events, VideoEditedV1, type VideoPublishedV1 } from '#contracts';
import { waitFor } from '#testing';
import { makeMp4, PublisherHarness } from './publisher.fixture.js';

describe('publisher stage with the outbox stand-in (the embedded default)', () => {
  let harness: PublisherHarness;

  before(async () => {
    harness = await PublisherHarness.start({ channels: [{ name: 'unused' }] });
    await harness.startPublisher({ PUBLISHER_BACKEND: 'outbox' });
  });
  after(async () => {
    await harness?.close();
  });

  it('copies the edit to the outbox with its metadata and a manifest line, and records platform outbox', async () => {
    const mp4 = makeMp4(harness.dir, 1, '160x120');
    const { event } = await harness.seedEdit({ mp4, title: 'Outbox title' });
    await harness.publishEdited(event);
    const published = await waitFor('video.published', async () => (await harness.readEvents(Events.VideoPublishedV1)).find((e) => (e.payload as VideoPublishedV1).editId === event.editId));
    const payload = published.payload as VideoPublishedV1;
    assert.equal(payload.platform, 'outbox');
    assert.equal(payload.account, 'outbox');
    assert.equal(payload.standIn, true);
    assert.equal(payload.url, null);
    const folder = join(harness.dir, 'outbox', 'videos', '0000');
    const copied = readFileSync(join(folder, `${event.editId}.mp4`));
    assert.equal(createHash('sha256').update(copied).digest('hex'), createHash('sha256').update(readFileSync(mp4)).digest('hex'));
    const meta = JSON.parse(readFileSync(join(folder, `${event.editId}.json`), 'utf8')) as { backend: string; metadata: { snippet: { title: string }; status: { containsSyntheticMedia: boolean } } };
    assert.equal(meta.backend, 'outbox');
    assert.equal(meta.metadata.snippet.title, 'Outbox title');
    assert.equal(meta.metadata.status.containsSyntheticMedia, true);
    const manifest = readFileSync(join(harness.dir, 'outbox', 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { editId: number; standIn: boolean });
    assert.deepEqual(manifest.map((m) => [m.editId, m.standIn]), [[event.editId, true]]);
    await harness.settled();
    // Again, as another message: nothing new in the outbox, and the publication is not announced again.
    await harness.bus.publisher.publish(VideoEditedV1, event, { key: `again:${event.editId}` });
    await harness.settled();
    const again = (await harness.readEvents(Events.VideoPublishedV1)).map((e) => (e.payload as VideoPublishedV1).publicationId);
    assert.deepEqual(again, [payload.publicationId]);
    assert.equal(readFileSync(join(harness.dir, 'outbox', 'manifest.jsonl'), 'utf8').trim().split('\n').length, 1);
    const [upload] = await harness.query<{ status: string; name: string }>('SELECT u.status, c.name FROM upload u JOIN channel c ON c.id = u.channel_id WHERE u.edit_id = ?', [event.editId]);
    assert.deepEqual({ ...upload }, { status: 'published', name: 'outbox' }, 'the outbox holds the video, as a channel would');
  });
});
