import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { redactUrl } from '#config';
import { ScrapeRequestedV1 } from '#contracts';
import { DeadLetters, OnEvent, PoisonMessageError, type EventContext } from '#messaging';
import { TestBus, waitFor } from '#testing';
import { Controller, Module } from '@nestjs/common';
import { LogRepository } from '../apps/logger/src/log.repository.js';
import { LoggerModule } from '../apps/logger/src/logger.module.js';

/** Fails every message until `fixed`, then records what it handled. */
const state = { fixed: false, handled: [] as string[] };

@Controller()
class FlakyStage {
  @OnEvent(ScrapeRequestedV1)
  async handle(payload: ScrapeRequestedV1, _ctx: EventContext): Promise<void> {
    if (!state.fixed) throw new PoisonMessageError(`cannot handle ${payload.requestedBy} yet`);
    state.handled.push(payload.requestedBy);
  }
}
@Module({ controllers: [FlakyStage] })
class FlakyModule {}

describe('dead letters are listed, shown and replayed; replays are in the log DB', () => {
  let bus: TestBus;
  let dir: string;
  let dlq: DeadLetters;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlq-test-'));
    bus = await TestBus.create({ consumers: { flaky: [{ durable: 'flaky', stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1' }] } });
    await bus.startApp(LoggerModule, 'logger', { LOG_DB_URL: `sqlite:${join(dir, 'logs.sqlite')}` });
    await bus.startApp(FlakyModule, 'flaky');
    dlq = new DeadLetters(bus.js, bus.jsm, bus.ns);
  });
  after(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists with filters, shows the original, replays under a new id and records the replay', async () => {
    const sent: { id: string }[] = [];
    for (const who of ['a', 'b', 'c']) sent.push(await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: who }, { key: who }));
    const all = await waitFor('three dead letters', async () => {
      const found = await dlq.list();
      return found.length === 3 ? found : null;
    });
    assert.deepEqual(all.map((e) => e.envelope.payload.reason), ['poison', 'poison', 'poison']);
    assert.equal((await dlq.list({ subject: 'pipeline.scrape.requested.v1', reason: 'poison' })).length, 3);
    assert.equal((await dlq.list({ reason: 'max-deliveries' })).length, 0);
    assert.equal((await dlq.list({ since: new Date(Date.now() + 60_000) })).length, 0);
    const shown = await dlq.show(all[1]!.seq);
    assert.equal(shown.original?.id, sent[1]!.id);
    assert.deepEqual(shown.original?.payload, { requestedBy: 'b' });

    state.fixed = true;
    const results = await dlq.replay(all.slice(0, 2), 'test');
    assert.equal(results.filter((r) => r.replayEventId).length, 2);
    assert.ok(results.every((r) => r.replayEventId !== sent[0]!.id && r.replayEventId !== sent[1]!.id), 'new ids');
    await waitFor('the replays handled', () => state.handled.length === 2);
    assert.deepEqual(state.handled.sort(), ['a', 'b']);

    const log = bus.apps[0]!.app.get(LogRepository);
    await waitFor('replays in the log DB', async () => (await log.countEvents({ subject: 'pipeline.deadletter.replayed.v1' })) === 2);
    await waitFor('dead letters in the log DB', async () => (await log.listDeadLetters()).length === 3);
  });

  it('redactUrl hides passwords and tokens in URLs and in messages that hold them', () => {
    assert.equal(redactUrl('mysql://app:s3cret@db:3306/catalog'), 'mysql://app:***@db:3306/catalog');
    assert.equal(redactUrl('nats://u:p%40ss@a:4222,nats://u:p@b:4222'), 'nats://u:***@a:4222,nats://u:***@b:4222');
    assert.equal(redactUrl('Cannot open database mysql://root:pw@127.0.0.1/x: refused'), 'Cannot open database mysql://root:***@127.0.0.1/x: refused');
    assert.equal(redactUrl('http://files:8080/f/a.txt?token=abc&x=1'), 'http://files:8080/f/a.txt?token=***&x=1');
    assert.equal(redactUrl('nats://tok3n@host:4222'), 'nats://***@host:4222');
    assert.equal(redactUrl('sqlite:/tmp/x.sqlite'), 'sqlite:/tmp/x.sqlite');
  });
});
