import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeadLetterV1, ScrapeRequestedV1, type Envelope } from '#contracts';
import { EventPublisher, HandlerWiringError, OnEvent, PoisonMessageError, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import type { JetStreamClient } from '@nats-io/jetstream';
import { Controller, Module } from '@nestjs/common';

/** What the probe stage saw, shared by the replicas started in one test. */
const seen = { byApp: new Map<string, string[]>(), attempts: [] as { at: number; attempt: number }[] };
let mode: 'ok' | 'throw' | 'poison' | 'slow' = 'ok';

@Controller()
class ProbeHandler {
  @OnEvent(ScrapeRequestedV1)
  async handle(payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    seen.attempts.push({ at: Date.now(), attempt: ctx.attempt });
    if (mode === 'throw') throw new Error('downstream is down');
    if (mode === 'poison') throw new PoisonMessageError('article 7 does not exist');
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 5));
    const list = seen.byApp.get(payload.requestedBy) ?? [];
    list.push(ctx.envelope.id);
    seen.byApp.set(payload.requestedBy, list);
  }
}

@Module({ controllers: [ProbeHandler] })
class ProbeModule {}

const probeConsumer = {
  probe: [{ durable: 'probe', stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1', max_deliver: 4, backoff: ['200ms', '400ms', '800ms'] }],
};

async function deadLetters(bus: TestBus, subject: string): Promise<Envelope<DeadLetterV1>[]> {
  const info = await bus.jsm.streams.info(bus.ns.stream('DLQ'), { subjects_filter: '>' });
  const letters: Envelope<DeadLetterV1>[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(bus.ns.stream('DLQ'), { seq }).catch(() => null);
    if (msg && msg.subject === bus.ns.subject(`dlq.${subject}`)) letters.push(msg.json<Envelope<DeadLetterV1>>());
  }
  return letters;
}

async function publishRaw(js: JetStreamClient, subject: string, body: string, msgID: string): Promise<void> {
  await js.publish(subject, new TextEncoder().encode(body), { msgID });
}

describe('JetStream delivery (real nats-server)', () => {
  let bus: TestBus;

  before(async () => {
    bus = await TestBus.create({ consumers: probeConsumer });
  });
  after(async () => {
    await bus.close();
  });

  it('retries a failing handler with growing delays, then writes exactly one dead letter', async () => {
    mode = 'throw';
    seen.attempts.length = 0;
    await bus.startApp(ProbeModule, 'probe');
    const published = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'always-fails' }, { key: 'fail-1' });
    const letters = await waitFor('one dead letter', async () => {
      const found = await deadLetters(bus, 'pipeline.scrape.requested.v1');
      return found.length > 0 ? found : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await deadLetters(bus, 'pipeline.scrape.requested.v1')).length, 1, 'exactly one dead letter');
    assert.deepEqual(
      seen.attempts.map((a) => a.attempt),
      [1, 2, 3, 4],
    );
    const gaps = seen.attempts.slice(1).map((a, i) => a.at - seen.attempts[i]!.at);
    assert.ok(gaps[0]! >= 180, `first retry after ~200 ms, was ${gaps[0]}`);
    assert.ok(gaps[1]! > gaps[0]! && gaps[2]! > gaps[1]!, `delays grow: ${gaps.join(', ')}`);
    const letter = letters[0]!.payload;
    assert.equal(letter.reason, 'max-deliveries');
    assert.equal(letter.attempts, 4);
    assert.equal(letter.handler, 'ProbeHandler.handle');
    assert.equal(letter.consumer, 'probe');
    assert.equal(letter.eventId, published.id);
    assert.match(letter.error, /downstream is down/);
    assert.equal(letters[0]!.correlationId, published.correlationId, 'the dead letter stays in the chain');
    await bus.apps.pop()!.close();
  });

  it('dead-letters an invalid payload at once, with the validation error', async () => {
    mode = 'ok';
    seen.attempts.length = 0;
    await bus.startApp(ProbeModule, 'probe');
    const envelope = bus.publisher.envelope('pipeline.scrape.requested.v1', { requestedBy: 42 }, { key: 'bad-payload' });
    await publishRaw(bus.js, bus.ns.subject('pipeline.scrape.requested.v1'), JSON.stringify(envelope), envelope.id);
    await publishRaw(bus.js, bus.ns.subject('pipeline.scrape.requested.v1'), '{not json', 'garbage-1');
    const letters = await waitFor('two dead letters', async () => {
      const found = await deadLetters(bus, 'pipeline.scrape.requested.v1');
      return found.length >= 3 ? found : null;
    });
    const invalid = letters.find((l) => l.payload.eventId === envelope.id)!.payload;
    assert.equal(invalid.reason, 'invalid-payload');
    assert.equal(invalid.attempts, 1);
    assert.match(invalid.error, /requestedBy/);
    const garbage = letters.find((l) => l.payload.reason === 'invalid-envelope')!.payload;
    assert.equal(garbage.raw, '{not json');
    assert.equal(seen.attempts.length, 0, 'the handler never ran');
    await bus.apps.pop()!.close();
  });

  it('dead-letters a poison message without retrying it', async () => {
    mode = 'poison';
    seen.attempts.length = 0;
    await bus.startApp(ProbeModule, 'probe');
    const published = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'poison' }, { key: 'poison-1' });
    const letter = await waitFor('the poison dead letter', async () =>
      (await deadLetters(bus, 'pipeline.scrape.requested.v1')).find((l) => l.payload.eventId === published.id),
    );
    assert.equal(letter.payload.reason, 'poison');
    assert.equal(letter.payload.attempts, 1);
    assert.equal(seen.attempts.length, 1);
    await bus.apps.pop()!.close();
  });

  it('swallows a second publish of the same event (deterministic message id)', async () => {
    const before = (await bus.jsm.streams.info(bus.ns.stream('PIPELINE'))).state.messages;
    const cause = { id: 'cause-1', correlationId: 'corr-1' };
    const a = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'twice' }, { causedBy: cause, key: 'same' });
    const b = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'twice' }, { causedBy: cause, key: 'same' });
    assert.equal(a.id, b.id);
    const afterCount = (await bus.jsm.streams.info(bus.ns.stream('PIPELINE'))).state.messages;
    assert.equal(afterCount - before, 1);
  });

  it('stores one event for a thing announced once from two distinct causes (once: the key alone fixes the id)', async () => {
    const before = (await bus.jsm.streams.info(bus.ns.stream('PIPELINE'))).state.messages;
    const a = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'once' }, { causedBy: { id: 'cause-a', correlationId: 'corr-a' }, key: 'thing-7', once: true });
    const b = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'once' }, { causedBy: { id: 'cause-b', correlationId: 'corr-b' }, key: 'thing-7', once: true });
    assert.equal(a.id, b.id);
    assert.equal(a.causationId, 'cause-a', 'the cause is still recorded');
    const c = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'once' }, { causedBy: { id: 'cause-b', correlationId: 'corr-b' }, key: 'thing-7' });
    assert.notEqual(c.id, a.id, 'without once, the cause is part of the id');
    assert.equal((await bus.jsm.streams.info(bus.ns.stream('PIPELINE'))).state.messages - before, 2);
    assert.throws(() => bus.publisher.envelope('pipeline.scrape.requested.v1', {}, { once: true }), /once needs a key/);
  });

  it('shares one durable consumer between two replicas', async () => {
    mode = 'slow';
    seen.byApp.clear();
    const replicaA = await bus.startApp(ProbeModule, 'probe');
    const replicaB = await bus.startApp(ProbeModule, 'probe');
    const publisher = new EventPublisher(bus.js, bus.ns, 'test');
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push((await publisher.publish(ScrapeRequestedV1, { requestedBy: 'replicas' }, { key: `r-${i}` })).id);
    }
    await waitFor('200 handled', () => (seen.byApp.get('replicas')?.length ?? 0) >= 200);
    const handled = seen.byApp.get('replicas')!;
    assert.equal(new Set(handled).size, 200);
    assert.deepEqual(new Set(handled), new Set(ids));
    // Each replica's NATS connection counts the messages it received.
    const inA = replicaA.nc.stats().inMsgs;
    const inB = replicaB.nc.stats().inMsgs;
    assert.ok(inA > 20 && inB > 20, `both replicas got work: ${inA} and ${inB} messages`);
    await replicaB.close();
    await replicaA.close();
    bus.apps.length = 0;
  });
});

describe('boot-time wiring checks', () => {
  it('refuses two handlers for one subject', async () => {
    @Controller()
    class First {
      @OnEvent(ScrapeRequestedV1)
      async a(): Promise<void> {}
    }
    @Controller()
    class Second {
      @OnEvent(ScrapeRequestedV1)
      async b(): Promise<void> {}
    }
    @Module({ controllers: [First, Second] })
    class Twice {}
    const bus = await TestBus.create({ consumers: probeConsumer });
    try {
      await assert.rejects(bus.startApp(Twice, 'probe'), (error: Error) => {
        assert.ok(error instanceof HandlerWiringError, String(error));
        assert.match(error.message, /two handlers claim pipeline\.scrape\.requested\.v1 \(First\.a and Second\.b\)/);
        return true;
      });
    } finally {
      await bus.close();
    }
  });

  it('refuses a declared consumer without a handler', async () => {
    @Module({})
    class Empty {}
    const bus = await TestBus.create({ consumers: probeConsumer });
    try {
      await assert.rejects(bus.startApp(Empty, 'probe'), /declares consumer "probe" for pipeline\.scrape\.requested\.v1, but no @OnEvent/);
    } finally {
      await bus.close();
    }
  });
});
