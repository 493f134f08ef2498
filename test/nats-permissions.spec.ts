import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '#testing';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';

const root = resolve(import.meta.dirname, '../..');
const passwords: Record<string, string> = {
  NATS_ADMIN_PASSWORD: 'admin-secret',
  NATS_LOGGER_PASSWORD: 'logger-secret',
  NATS_SCRAPER_PASSWORD: 'scraper-secret',
  NATS_EMBEDDER_PASSWORD: 'embedder-secret',
  NATS_CATALOG_PASSWORD: 'catalog-secret',
  NATS_FILES_PASSWORD: 'files-secret',
  NATS_VECTOR_PASSWORD: 'vector-secret',
};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

describe('production NATS permissions (config/nats/permissions.conf on a real nats-server)', () => {
  let server: ChildProcess;
  let port: number;
  let store: string;
  const connections: NatsConnection[] = [];

  before(async () => {
    port = await freePort();
    store = mkdtempSync(join(tmpdir(), 'nats-auth-'));
    server = spawn('nats-server', ['-c', join(root, 'config/nats/test-auth.conf'), '-p', String(port)], {
      env: { ...process.env, ...passwords, NATS_TEST_STORE: store },
      stdio: 'ignore',
    });
    await waitFor('nats-server with permissions', async () => {
      const nc = await connect({ servers: `127.0.0.1:${port}`, user: 'admin', pass: passwords.NATS_ADMIN_PASSWORD });
      await nc.close();
      return true;
    });
  });

  after(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    server.kill('SIGTERM');
    rmSync(store, { recursive: true, force: true });
  });

  async function as(user: string): Promise<NatsConnection> {
    const nc = await connect({ servers: `127.0.0.1:${port}`, user, pass: passwords[`NATS_${user.toUpperCase()}_PASSWORD`] });
    connections.push(nc);
    return nc;
  }

  it('refuses a wrong password', async () => {
    await assert.rejects(connect({ servers: `127.0.0.1:${port}`, user: 'scraper', pass: 'guess' }), /Authorization/i);
  });

  it('lets the scraper publish its own event but refuses a subject outside its permissions', async () => {
    const admin = await as('admin');
    const received: string[] = [];
    admin.subscribe('pipeline.>', {
      callback: (_error, msg) => {
        received.push(msg.subject);
      },
    });
    await admin.flush();

    const scraper = await as('scraper');
    const violations: string[] = [];
    void (async () => {
      for await (const status of scraper.status()) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) violations.push(status.error.subject);
      }
    })();
    scraper.publish('pipeline.article.stored.v1', 'allowed');
    scraper.publish('pipeline.video.published.v1', 'forged');
    await scraper.flush();

    await waitFor('the violation report', () => violations.length > 0, 5000);
    await admin.flush();
    assert.deepEqual(violations, ['pipeline.video.published.v1']);
    assert.deepEqual(received, ['pipeline.article.stored.v1'], 'the forged event never reached a subscriber');
  });

  it('does not let a service subscribe to another owner\'s requests', async () => {
    const vector = await as('vector');
    const sub = vector.subscribe('catalog.article.get.v1');
    await assert.rejects(
      (async () => {
        for await (const _msg of sub) break;
      })(),
      /Permissions Violation for Subscription/i,
    );
  });
});
