import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DeadLetterV1, ScrapeRequestedV1, type Envelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { Controller, Module } from '@nestjs/common';

/**
 * A dead letter is final on every supported server: nats-server 2.9 ignores `term("reason")`, so
 * the runner acks after the DLQ stream has the letter, and a message seen again after its last
 * attempt (a lost ack, a redelivery racing the last attempt) is never handed to the handler.
 * Runs on whatever server NATS_URL points at (2.9.x here, what Debian ships).
 */
const calls = new Map<string, number[]>();
let handlerMs = 0;
/** `requestedBy` values whose first attempt blocks the event loop (no heartbeat can go out) and then succeeds. */
const stallers = new Map<string, number>();

@Controller()
class FailingHandler {
  @OnEvent(ScrapeRequestedV1)
  async handle(payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    const list = calls.get(payload.requestedBy) ?? [];
    list.push(ctx.attempt);
    calls.set(payload.requestedBy, list);
    const stallMs = stallers.get(payload.requestedBy);
    if (stallMs !== undefined) {
      if (list.length === 1) {
        const until = Date.now() + stallMs;
        while (Date.now() < until) {
          // a synchronous stall: a GC pause, a CPU-bound parse, an overloaded machine
        }
      }
      return;
    }
    if (handlerMs > 0) await new Promise((resolve) => setTimeout(resolve, handlerMs));
    throw new Error(`always fails (${payload.requestedBy})`);
  }
}
@Module({ controllers: [FailingHandler] })
class FailingModule {}

async function deadLetters(bus: TestBus): Promise<Envelope<DeadLetterV1>[]> {
  const info = await bus.jsm.streams.info(bus.ns.stream('DLQ'));
  const letters: Envelope<DeadLetterV1>[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(bus.ns.stream('DLQ'), { seq }).catch(() => null);
    if (msg) letters.push(msg.json<Envelope<DeadLetterV1>>());
  }
  return letters;
}

function consumer(extra: Record<string, unknown>): Record<string, Record<string, unknown>[]> {
  return { failing: [{ durable: 'failing', stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1', ...extra }] };
}

describe('a dead letter terminates its message (max_deliver 3, real nats-server)', () => {
  const buses: TestBus[] = [];
  after(async () => {
    for (const bus of buses) await bus.close().catch(() => undefined);
  });

  async function run(name: string, bus: TestBus, count: number, quietMs: number): Promise<void> {
    calls.clear();
    await bus.startApp(FailingModule, 'failing');
    for (let i = 0; i < count; i++) await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: `${name}${i}` }, { key: `${name}${i}` });
    await waitFor(`${count} dead letters`, async () => (await deadLetters(bus)).length >= count, 60_000, 200);
    await waitFor('nothing pending', async () => {
      const info = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'failing');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 10_000);
    // Several ack waits of quiet: a dead-lettered message must not come back.
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const letters = await deadLetters(bus);
    assert.equal(letters.length, count, 'one dead letter per message');
    assert.equal(new Set(letters.map((l) => l.payload.eventId)).size, count);
    for (const [key, attempts] of calls) assert.deepEqual(attempts, [1, 2, 3], `${key} was handled exactly three times: ${attempts.join(',')}`);
    assert.equal(calls.size, count);
    const info = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'failing');
    assert.equal(info.num_ack_pending, 0, 'no dead letter holds an ack-pending slot');
    assert.equal(info.num_redelivered, 0, 'nothing is waiting to be redelivered');
  }

  it('each message is handled max_deliver times, dead-lettered once, and never delivered again', async () => {
    const bus = await TestBus.create({ delivery: { max_deliver: 3, backoff: ['100ms', '200ms'] }, consumers: consumer({ ack_wait: '1s' }) });
    buses.push(bus);
    handlerMs = 0;
    await run('fast', bus, 40, 3500);
  });

  it('the same when the last attempt runs past ack_wait (heartbeats, no redelivery racing the dead letter)', async () => {
    const bus = await TestBus.create({ delivery: { max_deliver: 3, backoff: ['100ms'] }, consumers: consumer({ ack_wait: '1s', concurrency: 4 }) });
    buses.push(bus);
    handlerMs = 1600;
    await run('slow', bus, 6, 3500);
    handlerMs = 0;
  });

  it('a delivery that comes back while its first copy is still owned (heartbeat late) is not handled twice', async () => {
    const bus = await TestBus.create({ delivery: { max_deliver: 3, backoff: ['100ms'] }, consumers: consumer({ ack_wait: '1s', concurrency: 4 }) });
    buses.push(bus);
    calls.clear();
    handlerMs = 700;
    stallers.set('stall0', 2600);
    await bus.startApp(FailingModule, 'failing');
    for (let i = 0; i < 3; i++) await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: `late${i}` }, { key: `late${i}` });
    await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'stall0' }, { key: 'stall0' });
    await waitFor('3 dead letters', async () => (await deadLetters(bus)).length >= 3, 60_000, 200);
    await waitFor('nothing pending', async () => {
      const info = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'failing');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const letters = await deadLetters(bus);
    assert.deepEqual(calls.get('stall0'), [1], `the stalled message was handled once: ${calls.get('stall0')?.join(',')}`);
    for (let i = 0; i < 3; i++) assert.deepEqual(calls.get(`late${i}`), [1, 2, 3], `late${i} handled three times: ${calls.get(`late${i}`)?.join(',')}`);
    assert.equal(letters.length, 3, `one dead letter per failing message: ${letters.map((l) => l.payload.error).join(' | ')}`);
    handlerMs = 0;
    stallers.clear();
  });
});
