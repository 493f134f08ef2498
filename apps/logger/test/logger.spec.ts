import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { ScrapeRequestedV1 } from '#contracts';
import { dropDatabase, openDatabase } from '#database';
import { TestBus, waitFor } from '#testing';
import type { DataSource } from 'typeorm';
import { LogRepository } from '../src/log.repository.js';
import { LOG_ENTITIES, LOG_MIGRATIONS } from '../src/logger.module.js';

const root = resolve(import.meta.dirname, '../../../..');
const loggerMain = join(root, 'dist/apps/logger/src/main.js');

function startLogger(bus: TestBus, dbUrl: string): ChildProcess {
  const child = spawn(process.execPath, [loggerMain], {
    cwd: root,
    env: { ...process.env, ...bus.env({ LOG_DB_URL: dbUrl, LOG_LEVEL: 'warn' }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[logger child] ${chunk}`));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

const backends: { name: string; url: () => string; cleanup: () => Promise<void> }[] = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'logger-test-'));
  const dbName = `logger_test_${process.pid}_${Date.now().toString(36)}`;
  return [
    { name: 'SQLite', url: () => `sqlite:${join(dir, 'logs.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
    {
      name: 'MariaDB',
      url: () => `mysql://root@127.0.0.1:3306/${dbName}`,
      cleanup: () => dropDatabase(`mysql://root@127.0.0.1:3306/${dbName}`),
    },
  ];
})();

for (const backend of backends) {
  describe(`logger on ${backend.name}`, () => {
    let dataSource: DataSource | undefined;
    after(async () => {
      await dataSource?.destroy();
      await backend.cleanup();
    });

    it('loses nothing and stores nothing twice when killed with SIGKILL in the middle of 1,000 events', async () => {
      // A short ack wait so the messages in flight at the kill come back quickly.
      const bus = await TestBus.create({ delivery: { ack_wait: '2s' } });
      try {
        dataSource = await openDatabase({ url: backend.url(), entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
        const log = new LogRepository(dataSource);
        const ids = new Set<string>();
        const correlationId = `chain-${Date.now()}`;
        for (let i = 0; i < 1000; i++) {
          const envelope = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: `kill-test-${i}` }, { key: `k${i}`, correlationId });
          ids.add(envelope.id);
        }
        let child = startLogger(bus, backend.url());
        await waitFor('the logger to store some events', async () => (await log.countEvents()) >= 50, 30_000, 5);
        child.kill('SIGKILL');
        await exited(child);
        const atKill = await log.countEvents();
        assert.ok(atKill < 1000, `killed in the middle (had stored ${atKill})`);

        child = startLogger(bus, backend.url());
        await waitFor('all 1,000 events stored', async () => (await log.countEvents()) >= 1000, 60_000, 100);
        // Let redeliveries of the messages that were in flight at the kill arrive and be ignored.
        await waitFor(
          'the consumer to drain',
          async () => (await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'logger')).num_ack_pending === 0,
          30_000,
        );
        child.kill('SIGTERM');
        await exited(child);

        assert.equal(await log.countEvents(), 1000, 'exactly one row per event');
        const trace = await log.trace(correlationId);
        assert.equal(trace.length, 1000);
        assert.deepEqual(new Set(trace.map((row) => row.eventId)), ids);
        const times = trace.map((row) => row.occurredAt.getTime());
        assert.deepEqual(times, [...times].sort((a, b) => a - b), 'trace comes back in time order');
        assert.equal(trace[0]!.producer, 'test');
        assert.equal(trace[0]!.subject, 'pipeline.scrape.requested.v1');
      } finally {
        await bus.close();
      }
    });
  });
}

describe('logger stores dead letters', () => {
  it('keeps the dead letter of a poison event with its reason and the raw message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logger-dlq-'));
    const bus = await TestBus.create();
    const url = `sqlite:${join(dir, 'logs.sqlite')}`;
    try {
      const { LoggerModule } = await import('../src/logger.module.js');
      await bus.startApp(LoggerModule, 'logger', { LOG_DB_URL: url });
      const envelope = bus.publisher.envelope('pipeline.scrape.requested.v1', { requestedBy: ['not', 'a', 'string'] }, { key: 'x' });
      await bus.js.publish(bus.ns.subject('pipeline.scrape.requested.v1'), JSON.stringify(envelope), { msgID: envelope.id });
      const dataSource = await openDatabase({ url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
      const log = new LogRepository(dataSource);
      const letters = await waitFor('a dead letter row', async () => {
        const rows = await log.listDeadLetters();
        return rows.length > 0 ? rows : null;
      });
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.reason, 'invalid-payload');
      assert.equal(letters[0]!.originalEventId, envelope.id);
      assert.equal(letters[0]!.handler, 'LoggerHandler.onEvent');
      assert.match(letters[0]!.error, /requestedBy/);
      assert.match(letters[0]!.raw, /not/);
      await dataSource.destroy();
    } finally {
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
