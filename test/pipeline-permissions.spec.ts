import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Events } from '#contracts';
import { TestBus, waitFor, type TestNatsServer } from '#testing';
import { stringify } from 'yaml';
import { CatalogModule } from '../apps/catalog/src/catalog.module.js';
import { EmbedderModule } from '../apps/embedder/src/embedder.module.js';
import { FilesModule } from '../apps/files/src/files.module.js';
import { LoggerModule } from '../apps/logger/src/logger.module.js';
import { SampleSiteServer } from '../apps/scraper/src/sample-site.server.js';
import { ScraperModule } from '../apps/scraper/src/scraper.module.js';
import { VectorModule } from '../apps/vector/src/vector.module.js';
import { passwordOf, startAuthNatsServer } from './nats-auth.fixture.js';

/**
 * The production permissions (generated from `config/apps/*.yaml`) with the real apps: every app logs in
 * as its own user on a nats-server of this test, on the real subject names, and the sample site goes
 * from scraper to embedder and logger. A permission the pipeline needs but lacks shows up as a step
 * that never finishes, a redelivery (an ack refused) or a dead letter.
 */
describe('the pipeline under production NATS permissions', () => {
  let server: TestNatsServer;
  let bus: TestBus;
  let site: SampleSiteServer;
  let dir: string;

  before(async () => {
    server = await startAuthNatsServer();
    dir = mkdtempSync(join(tmpdir(), 'pipeline-permissions-'));
    site = new SampleSiteServer();
    const origin = await site.listen(0);
    writeFileSync(
      join(dir, 'sources.yaml'),
      stringify({ sources: [{ id: 'rss', kind: 'rss', url: `${origin}/feed.xml`, schedule: '30m', allowPrivate: true, runOnStart: true }] }),
    );
    bus = await TestBus.create({ natsUrl: server.url, user: 'admin', password: passwordOf('admin'), namespace: '' });
    const as = (user: string, env: Record<string, string>) => ({ NATS_USER: user, NATS_PASSWORD: passwordOf(user), DATA_DIR: dir, ...env });
    await bus.startApp(LoggerModule, 'logger', as('logger', { LOG_DB_URL: `sqlite:${join(dir, 'logs.sqlite')}` }));
    await bus.startApp(CatalogModule, 'catalog', as('catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}` }));
    await bus.startApp(FilesModule, 'files', as('files', { FILES_ROOT: join(dir, 'files') }));
    await bus.startApp(VectorModule, 'vector', as('vector', { VECTOR_BACKEND: 'usearch' }));
    await bus.startApp(EmbedderModule, 'embedder', as('embedder', { EMBEDDER_BACKEND: 'standin' }));
    await bus.startApp(
      ScraperModule,
      'scraper',
      as('scraper', {
        SCRAPER_SOURCES: join(dir, 'sources.yaml'),
        SCRAPER_HOST_DELAY: '0ms',
        SCRAPER_RETRY_BASE: '50ms',
        SCRAPER_TMP_DIR: dir,
      }),
    );
  });

  after(async () => {
    await bus?.close();
    await site?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function count(subject: string): Promise<number> {
    const info = await bus.jsm.streams.info('PIPELINE', { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  it('scrapes, stores, embeds and logs the sample feed with every app as its own user', async () => {
    // The scraper's own scheduler publishes the run command (runOnStart), as in production.
    const stored = await waitFor('articles stored', async () => ((await count(Events.ArticleStoredV1)) >= 5 ? count(Events.ArticleStoredV1) : 0), 120_000, 200);
    await waitFor(`${stored} articles embedded`, async () => (await count(Events.ArticleEmbeddedV1)) >= stored, 120_000, 200);
    await waitFor('the logger and embedder to finish', async () => {
      for (const durable of ['logger', 'embedder', 'scraper']) {
        const info = await bus.jsm.consumers.info('PIPELINE', durable);
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    });
    for (const durable of ['logger', 'embedder', 'scraper']) {
      const info = await bus.jsm.consumers.info('PIPELINE', durable);
      assert.equal(info.num_redelivered, 0, `${durable}: no redelivery (every ack was allowed)`);
    }
    const dlq = await bus.jsm.streams.info('DLQ');
    assert.equal(dlq.state.messages, 0, 'no dead letters');
    assert.equal(await count(Events.ArticleEmbeddedV1), stored);
    assert.equal(await count(Events.ScrapeRequestedV1), 1, 'one scheduled run command');
  });
});
