import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Events, ScrapeRequestedV1, type Envelope } from '#contracts';
import { createLogger } from '#logging';
import { TestBus } from '#testing';
import { SchedulerService } from '../src/scheduler.service.js';
import { parseSources } from '../src/sources/sources.config.js';

const logger = createLogger({ app: 'scheduler-test', level: 'error' });
const HALF_HOUR = 30 * 60_000;

describe('scheduler replicas', () => {
  let bus: TestBus;

  before(async () => {
    bus = await TestBus.create();
  });
  after(async () => {
    await bus?.close();
  });

  async function commands(): Promise<Envelope<ScrapeRequestedV1>[]> {
    const stream = bus.ns.stream('PIPELINE');
    const info = await bus.jsm.streams.info(stream, { subjects_filter: '>' });
    const found: Envelope<ScrapeRequestedV1>[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (msg?.subject === bus.ns.subject(Events.ScrapeRequestedV1)) found.push(msg.json<Envelope<ScrapeRequestedV1>>());
    }
    return found;
  }

  it('publishes one command per source and slot, however many replicas tick', async () => {
    const sources = parseSources([
      { id: 'news', kind: 'rss', url: 'https://news.example.com/rss', schedule: '30m' },
      { id: 'blog', kind: 'atom', url: 'https://blog.example.com/atom', schedule: '1h', runOnStart: true },
    ]);
    const slot = Math.floor(Date.now() / (2 * HALF_HOUR)) * 2 * HALF_HOUR;
    let now = slot + 5_000;
    const replica = (): SchedulerService => new SchedulerService(sources, bus.publisher, logger, { tickMs: 15_000, graceMs: 60_000, now: () => now });
    const [a, b, c] = [replica(), replica(), replica()];

    assert.deepEqual(await a.tick(true), [`schedule:news:${new Date(slot).toISOString()}`, `schedule:blog:${new Date(slot).toISOString()}`]);
    assert.equal((await b.tick(true)).length, 2, 'the second replica publishes too...');
    assert.equal((await commands()).length, 2, '...but JetStream keeps one message per slot');

    now = slot + 20_000;
    assert.deepEqual(await a.tick(false), [], 'a slot is published once per replica');

    // Past the grace, a replica waits for the next slot; only a runOnStart source runs when it starts
    // (the same key, so within the duplicate window it is still one message).
    now = slot + HALF_HOUR + 90_000;
    assert.deepEqual(await c.tick(true), [`schedule:blog:${new Date(slot).toISOString()}`]);
    assert.deepEqual(await c.tick(false), []);
    assert.equal((await commands()).length, 2);

    now = slot + HALF_HOUR + 2_000;
    await Promise.all([a.tick(false), b.tick(false), c.tick(false)]);
    const all = await commands();
    assert.equal(all.length, 3);
    assert.deepEqual(
      all.map((e) => [e.payload.sourceId, e.payload.requestedBy]),
      [
        ['news', 'schedule'],
        ['blog', 'schedule'],
        ['news', 'schedule'],
      ],
    );
    assert.equal(new Set(all.map((e) => e.id)).size, 3);
  });

  it('lets a runOnStart source run when a replica starts mid-slot', async () => {
    const sources = parseSources([{ id: 'sample', kind: 'rss', url: 'http://127.0.0.1/feed.xml', schedule: '30m', runOnStart: true }]);
    const slot = Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR - HALF_HOUR * 4;
    const late = new SchedulerService(sources, bus.publisher, logger, { tickMs: 15_000, graceMs: 60_000, now: () => slot + 10 * 60_000 });
    assert.deepEqual(await late.tick(true), [`schedule:sample:${new Date(slot).toISOString()}`]);
    assert.deepEqual(await late.tick(false), []);
  });
});
