import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScrapeRequestedV1 } from '#contracts';
import { TRACEPARENT, traceparentFor } from '#messaging';
import { TestBus, waitFor } from '#testing';
import type { DataSource } from 'typeorm';
import { LoggerModule } from '../apps/logger/src/logger.module.js';

// Health and metrics come from the shared bootstrap: the logger app has no code of its own for them.
describe('ops endpoints of a real app (logger)', () => {
  let bus: TestBus;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'ops-test-'));

  before(async () => {
    bus = await TestBus.create();
    const running = await bus.startApp(LoggerModule, 'logger', {
      LOG_DB_URL: `sqlite:${join(dir, 'logs.sqlite')}`,
      OPS_PORT: '0',
      OPS_HOST: '127.0.0.1',
    });
    assert.ok(running.opsUrl, 'OPS_PORT=0 serves on a free port');
    base = running.opsUrl;
  });

  after(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/healthz answers alive', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'alive' });
  });

  it('/readyz checks NATS, the consumers and the owned database', async () => {
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { ready: boolean; checks: { name: string; ok: boolean }[] };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.ready, true);
    assert.deepEqual(body.checks.map((c) => c.name).sort(), ['consumers', 'database better-sqlite3', 'nats']);
  });

  it('/metrics counts handled messages per handler, with latency, in-flight and process metrics', async () => {
    const envelope = await bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'ops-test' }, { correlationId: 'ops-chain' });
    const text = await waitFor('the handled count', async () => {
      const body = await (await fetch(`${base}/metrics`)).text();
      return /pipeline_messages_total\{[^}]*handler="LoggerHandler\.onEvent"[^}]*outcome="handled"[^}]*\} 1/.test(body) ? body : null;
    });
    assert.match(text, /pipeline_handler_duration_seconds_bucket\{[^}]*handler="LoggerHandler\.onEvent"/);
    assert.match(text, /pipeline_handler_in_flight\{[^}]*\} 0/);
    assert.match(text, /process_resident_memory_bytes\{app="logger"\}/);
    // The owned database's rows, with no code in the app (refreshed in the background).
    assert.match(text, /db_table_rows\{[^}]*table="event_log"[^}]*\} \d+/);
    // The published message carries a W3C traceparent: trace id from the chain, span id from the event.
    const stored = await bus.jsm.streams.getMessage(bus.ns.stream('PIPELINE'), { last_by_subj: bus.ns.subject(ScrapeRequestedV1.subject) });
    assert.equal(stored?.header.get(TRACEPARENT), traceparentFor(envelope));
  });

  it('/readyz answers 503 naming the database when it stops answering', async () => {
    const app = bus.apps[0]!;
    const { discoverDataSources } = await import('#ops');
    const [dataSource] = discoverDataSources(app.app) as DataSource[];
    await dataSource!.destroy();
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { ready: boolean; checks: { name: string; ok: boolean; error?: string }[] };
    assert.equal(res.status, 503);
    assert.equal(body.checks.find((c) => c.name.startsWith('database'))?.ok, false);
  });
});
