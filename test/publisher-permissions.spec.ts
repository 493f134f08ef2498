import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Events, MetricsRequestedV1, type MetricsCollectedV1, type VideoPublishedV1 } from '#contracts';
import { waitFor, type TestNatsServer } from '#testing';
import { MetricsModule } from '../apps/metrics/src/metrics.module.js';
import { makeMp4, PublisherHarness } from '../apps/publisher/test/publisher.fixture.js';
import { passwordOf, startAuthNatsServer } from './nats-auth.fixture.js';

/**
 * The publisher and metrics stages under the production NATS permissions: each logs in as its own
 * user (as do catalog and files), uploads to the fake YouTube, and collects a slot. A permission
 * they need but lack shows up as a step that never finishes or a dead letter.
 */
describe('publisher and metrics under production NATS permissions', () => {
  let server: TestNatsServer;
  let harness: PublisherHarness;
  const as = (user: string): Record<string, string> => ({ NATS_USER: user, NATS_PASSWORD: passwordOf(user) });

  before(async () => {
    server = await startAuthNatsServer();
    harness = await PublisherHarness.start({
      channels: [{ name: 'main' }],
      fake: { processingMs: 0 },
      bus: { natsUrl: server.url, user: 'admin', password: passwordOf('admin'), namespace: '' },
      appEnv: as,
    });
    await harness.startPublisher(as('publisher'));
    await harness.bus.startApp(MetricsModule, 'metrics', { ...harness.publisherEnv(), ...as('metrics'), METRICS_BACKEND: 'youtube' });
  });
  after(async () => {
    await harness?.close();
    await server?.stop();
  });

  it('publishes an edit, schedules and collects a metrics slot, with no dead letter', async () => {
    const { event } = await harness.seedEdit({ mp4: makeMp4(harness.dir, 1, '160x120') });
    await harness.publishEdited(event);
    const published = await waitFor('video.published', async () => (await harness.readEvents(Events.VideoPublishedV1))[0], 60_000, 200);
    const payload = published.payload as VideoPublishedV1;
    assert.equal(payload.account, 'main');
    // The metrics scheduler published the current slot at start (as the metrics user); ask for the next one too.
    const slotAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();
    await harness.bus.publisher.publish(MetricsRequestedV1, { slotAt, requestedBy: 'manual' }, { key: `perm:${slotAt}` });
    const collected = await waitFor('metrics.collected', async () => (await harness.readEvents(Events.MetricsCollectedV1)).find((e) => (e.payload as MetricsCollectedV1).slotAt === slotAt), 60_000, 200);
    assert.equal((collected.payload as MetricsCollectedV1).publicationId, payload.publicationId);
    assert.ok((await harness.readEvents(Events.MetricsRequestedV1)).some((e) => (e.payload as { requestedBy: string }).requestedBy === 'schedule'), "the scheduler's own command went out");
    const dlq = await harness.bus.jsm.streams.info('DLQ');
    assert.equal(dlq.state.messages, 0, 'no dead letters');
  });
});
