import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadTopology, Namespace, provisionTopology } from '#messaging';
import { waitFor, type TestNatsServer } from '#testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { resolve } from 'node:path';
import { passwordOf, startAuthNatsServer } from './nats-auth.fixture.js';

/**
 * Logged in as the scraper (the service that parses hostile HTML), each action issue 9 found
 * possible must be refused by the router running the permissions generated from config/apps/*.yaml
 * (the scraper's declaration names the catalog subjects it uses, not the whole `catalog.>`).
 */

describe('least privilege: what the scraper may not do on the router', () => {
  let server: TestNatsServer;
  const connections: NatsConnection[] = [];

  before(async () => {
    server = await startAuthNatsServer();
    const admin = await as('admin');
    const root = resolve(import.meta.dirname, '../..');
    await provisionTopology(await jetstreamManager(admin), loadTopology(resolve(root, 'config/streams.yaml')), new Namespace(''));
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

  /** Permission violations the server reported to this connection, by subject. */
  function violations(nc: NatsConnection): string[] {
    const seen: string[] = [];
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) seen.push(status.error.subject);
      }
    })();
    return seen;
  }

  async function refusedSubscription(nc: NatsConnection, subject: string): Promise<void> {
    const sub = nc.subscribe(subject);
    await assert.rejects(
      (async () => {
        for await (const _msg of sub) break;
      })(),
      /Permissions Violation for Subscription/i,
    );
  }

  async function refusedPublish(nc: NatsConnection, subject: string, seen: string[]): Promise<void> {
    nc.publish(subject, '{}');
    await nc.flush();
    await waitFor(`a violation for ${subject}`, () => seen.includes(subject), 3000);
  }

  it('may not subscribe to _INBOX.> (every reply of every service)', async () => {
    await refusedSubscription(await as('scraper'), '_INBOX.>');
  });

  it('may not call catalog subjects it does not use (record a publication, hold files)', async () => {
    const scraper = await as('scraper');
    const seen = violations(scraper);
    await refusedPublish(scraper, 'catalog.publication.record.v1', seen);
    await refusedPublish(scraper, 'catalog.file.hold.v1', seen);
  });

  it("may not pull or ack the embedder's messages", async () => {
    const scraper = await as('scraper');
    const seen = violations(scraper);
    await refusedPublish(scraper, '$JS.API.CONSUMER.MSG.NEXT.PIPELINE.embedder', seen);
    await refusedPublish(scraper, '$JS.ACK.PIPELINE.embedder.1.1.1.1.0', seen);
  });

  it("may not update a consumer (the embedder's, or its own)", async () => {
    const scraper = await as('scraper');
    const seen = violations(scraper);
    await refusedPublish(scraper, '$JS.API.CONSUMER.CREATE.PIPELINE.embedder', seen);
    await refusedPublish(scraper, '$JS.API.CONSUMER.DURABLE.CREATE.PIPELINE.scraper', seen);
  });

  it('may not read the DLQ', async () => {
    const scraper = await as('scraper');
    const seen = violations(scraper);
    await refusedPublish(scraper, '$JS.API.STREAM.MSG.GET.DLQ', seen);
    await refusedPublish(scraper, '$JS.API.CONSUMER.CREATE.DLQ', seen);
  });

  it('may still publish its own event (the refusals above are not a blanket no)', async () => {
    const scraper = await as('scraper');
    const seen = violations(scraper);
    scraper.publish('pipeline.article.stored.v1', '{}');
    await scraper.flush();
    await new Promise((done) => setTimeout(done, 300));
    assert.deepEqual(seen, []);
  });
});
