import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScrapeRequestedV1 } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { Controller, Module } from '@nestjs/common';

const attempts = new Map<string, number[]>();

@Controller()
class SlowHandler {
  @OnEvent(ScrapeRequestedV1)
  async handle(payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    attempts.set(payload.requestedBy, [...(attempts.get(payload.requestedBy) ?? []), ctx.attempt]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

@Module({ controllers: [SlowHandler] })
class SlowModule {}

// A small runner (2 handlers, 2 prefetched) far behind a full stream fills up and waits for room
// again and again; every message must still be handled once, in its first delivery, well before
// the ack wait would bring back anything the runner lost while it paused.
const consumers = {
  slow: [{ durable: 'slow', stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1', ack_wait: '30s', concurrency: 2, prefetch: 2 }],
};

describe('pull flow control (real nats-server)', () => {
  let bus: TestBus;

  before(async () => {
    bus = await TestBus.create({ consumers });
  });
  after(async () => {
    await bus.close();
  });

  it('loses nothing while it pauses pulling: each of 300 messages handled once, none redelivered', { timeout: 60_000 }, async () => {
    const total = 300;
    for (let i = 0; i < total; i++) await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: `m${i}` }, { key: `m${i}` });
    await bus.startApp(SlowModule, 'slow');
    // 300 x 10 ms over 2 handlers is ~1.5 s of work; a message lost to a closed pull would come
    // back only after the 30 s ack wait.
    await waitFor('all messages handled', async () => attempts.size === total, 20_000, 50);
    assert.deepEqual([...attempts.values()].filter((a) => a.length !== 1 || a[0] !== 1), [], 'each handled once, at its first attempt');
    const info = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'slow');
    assert.equal(info.num_redelivered, 0);
  });
});
