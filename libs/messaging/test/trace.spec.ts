import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MetricsRequestedV1, ScrapeRequestedV1, type Envelope } from '#contracts';
import { EventPublisher, OnEvent, TRACEPARENT, traceparentFor, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Controller, Inject, Module } from '@nestjs/common';

/** Publishes one event caused by each consumed one, so its traceparent can be read back. */
@Controller()
class RelayHandler {
  constructor(@Inject(EventPublisher) private readonly publisher: EventPublisher) {}

  @OnEvent(ScrapeRequestedV1)
  async relay(_payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    await this.publisher.publish(MetricsRequestedV1, { slotAt: '2026-01-01T00:00:00Z', requestedBy: 'manual' }, { causedBy: ctx.envelope });
  }
}

@Module({ controllers: [RelayHandler] })
class RelayModule {}

describe('trace context from a consumed event to what its handler publishes (real nats-server)', () => {
  let bus: TestBus;

  before(async () => {
    bus = await TestBus.create({ consumers: { relay: [{ durable: 'relay', stream: 'PIPELINE', filter: ScrapeRequestedV1.subject }] } });
    await bus.startApp(RelayModule, 'relay');
  });
  after(async () => {
    await bus.close();
  });

  /** Publishes a scrape command with this traceparent header (or none), returns the relayed event's header and envelope. */
  async function relay(key: string, traceparent: string | null): Promise<{ header: string | undefined; sent: Envelope; relayed: Envelope }> {
    const sent = bus.publisher.envelope(ScrapeRequestedV1.subject, { requestedBy: 'trace' }, { key });
    const headers = natsHeaders();
    if (traceparent !== null) headers.set(TRACEPARENT, traceparent);
    await bus.js.publish(bus.ns.subject(sent.subject), JSON.stringify(sent), { msgID: sent.id, headers });
    const stored = await waitFor(`the event relayed for ${key}`, async () => {
      const found = await bus.jsm.streams.getMessage(bus.ns.stream('PIPELINE'), { last_by_subj: bus.ns.subject(MetricsRequestedV1.subject) }).catch(() => null);
      return found && found.json<Envelope>().causationId === sent.id ? found : null;
    });
    return { header: stored.header.get(TRACEPARENT), sent, relayed: stored.json<Envelope>() };
  }

  it('keeps the trace id of a valid traceparent, with the new event as its span', async () => {
    const parent = `00-${'4bf92f3577b34da6a3ce929d0e0e4736'}-${'00f067aa0ba902b7'}-01`;
    const { header, relayed } = await relay('valid', parent);
    assert.equal(header, traceparentFor(relayed, parent));
    assert.match(header!, /^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
  });

  it('derives the trace from the correlation id when the header is missing or malformed', async () => {
    for (const [key, parent] of [['none', null], ['malformed', '01-not-a-trace']] as const) {
      const { header, sent, relayed } = await relay(key, parent);
      assert.equal(relayed.correlationId, sent.correlationId);
      assert.equal(header, traceparentFor(relayed), key);
    }
  });
});
