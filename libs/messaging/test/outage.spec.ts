import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineRequest, DeadLetterV1, ScrapeRequestedV1, type Envelope } from '#contracts';
import { OnEvent, OnRequest, RequestClient, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { Controller, Inject, Module } from '@nestjs/common';
import { z } from 'zod';

const WorkV1 = defineRequest('outowner.work.v1', z.object({ n: z.string() }), z.object({ done: z.string() }));

/** What the stage saw. */
const seen = { done: new Map<string, number>(), attempts: [] as number[], startedAt: [] as number[], sleepMs: 0 };

@Controller()
class OwnerHandler {
  @OnRequest(WorkV1)
  async work(request: { n: string }): Promise<{ done: string }> {
    return { done: request.n };
  }
}
@Module({ controllers: [OwnerHandler] })
class OwnerModule {}

@Controller()
class StageHandler {
  constructor(@Inject(RequestClient) private readonly requests: RequestClient) {}

  @OnEvent(ScrapeRequestedV1)
  async handle(payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    seen.attempts.push(ctx.attempt);
    seen.startedAt.push(Date.now());
    if (seen.sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, seen.sleepMs));
    const reply = await this.requests.request(WorkV1, { n: payload.requestedBy }, { timeoutMs: 300 });
    seen.done.set(reply.done, (seen.done.get(reply.done) ?? 0) + 1);
  }
}
@Module({ controllers: [StageHandler] })
class StageModule {}

async function deadLetters(bus: TestBus): Promise<Envelope<DeadLetterV1>[]> {
  const info = await bus.jsm.streams.info(bus.ns.stream('DLQ'));
  const letters: Envelope<DeadLetterV1>[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(bus.ns.stream('DLQ'), { seq }).catch(() => null);
    if (msg) letters.push(msg.json<Envelope<DeadLetterV1>>());
  }
  return letters;
}

function stage(extra: Record<string, unknown>): Record<string, Record<string, unknown>[]> {
  return {
    stage: [
      {
        durable: 'stage',
        stream: 'PIPELINE',
        filter: 'pipeline.scrape.requested.v1',
        max_deliver: 3,
        backoff: ['100ms', '200ms'],
        max_probe_interval: '400ms',
        ...extra,
      },
    ],
  };
}

describe('outages are waited out, not counted as attempts (real nats-server)', () => {
  let bus: TestBus;
  const buses: TestBus[] = [];
  after(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
  });

  it('an owner down for far longer than the retry budget: zero dead letters, all done once it returns', async () => {
    // ack_wait 3 s: heartbeats every second keep the held messages alive even on a loaded machine
    // (at 2 s, a 2-core machine at load 23 once stalled past it and spent an attempt).
    bus = await TestBus.create({ consumers: stage({ ack_wait: '3s' }) });
    buses.push(bus);
    seen.done.clear();
    seen.attempts.length = 0;
    await bus.startApp(StageModule, 'stage');
    for (let i = 0; i < 20; i++) await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: `m${i}` }, { key: `m${i}` });
    // The retry budget is 0.3 s; the owner stays away more than ten times that, and past two ack waits.
    await new Promise((resolve) => setTimeout(resolve, 6500));
    assert.equal(seen.done.size, 0);
    await bus.startApp(OwnerModule, 'outowner');
    await waitFor('all 20 handled', () => seen.done.size === 20, 20_000);
    assert.deepEqual(await deadLetters(bus), []);
    // Held messages are kept alive and never count an attempt. The one way a delivery is spent:
    // a message the server sent for a pull the pause had just closed comes back once after ack_wait.
    assert.ok(seen.attempts.every((a) => a <= 2), `no attempt was counted: ${seen.attempts.join(',')}`);
    await waitFor('all acked', async () => (await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'stage')).num_ack_pending === 0);
  });

  it('a handler longer than ack_wait survives with heartbeats; one past max_handler_time is retried, then dead-lettered', async () => {
    bus = await TestBus.create({ consumers: stage({ ack_wait: '1s', max_handler_time: '4s', max_deliver: 2 }) });
    buses.push(bus);
    await bus.startApp(OwnerModule, 'outowner');
    await bus.startApp(StageModule, 'stage');
    seen.done.clear();
    seen.attempts.length = 0;
    seen.sleepMs = 2500;
    await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'long' }, { key: 'long' });
    await waitFor('the long handler', () => seen.done.get('long') === 1, 10_000);
    assert.deepEqual(seen.attempts, [1], 'not redelivered while its handler ran past ack_wait');

    seen.attempts.length = 0;
    seen.startedAt.length = 0;
    seen.sleepMs = 6000;
    const published = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'stuck' }, { key: 'stuck' });
    const letter = await waitFor('the dead letter', async () => (await deadLetters(bus)).find((l) => l.payload.eventId === published.id), 20_000);
    assert.equal(letter.payload.reason, 'max-deliveries');
    assert.match(letter.payload.error, /max_handler_time/);
    assert.deepEqual(seen.attempts, [1, 2]);
    // Given up at its own deadline: one timer serves every running handler, and it was armed for the
    // long handler above, which finished long before (its firing then must only re-arm it).
    const ranMs = seen.startedAt[1]! - seen.startedAt[0]!;
    assert.ok(ranMs >= 3900, `attempt 1 ran ${ranMs} ms before it was given up (max_handler_time 4 s)`);
    // Acked after the dead letter is stored (not term(), which servers before 2.10.4 ignore).
    await waitFor('nothing pending', async () => (await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'stage')).num_ack_pending === 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await deadLetters(bus)).length, 1, 'the dead-lettered message is not delivered again');
    seen.sleepMs = 0;
  });
});
