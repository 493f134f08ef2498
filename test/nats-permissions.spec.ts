import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor, type TestNatsServer } from '#testing';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { passwordOf, startAuthNatsServer } from './nats-auth.fixture.js';

describe('production NATS permissions (generated from config/apps/*.yaml, on a real nats-server)', () => {
  let server: TestNatsServer;
  const connections: NatsConnection[] = [];

  before(async () => {
    server = await startAuthNatsServer();
  });

  after(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    await server.stop();
  });

  async function as(user: string): Promise<NatsConnection> {
    const nc = await connect({ servers: server.url, user, pass: passwordOf(user) });
    connections.push(nc);
    return nc;
  }

  it('refuses a wrong password', async () => {
    await assert.rejects(connect({ servers: server.url, user: 'scraper', pass: 'guess' }), /Authorization/i);
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

  it("does not let a service subscribe to another owner's requests", async () => {
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
