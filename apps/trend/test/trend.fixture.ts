import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArticleEmbeddedV1,
  CatalogArticleUpsertV1,
  CatalogTrendClusterGetV1,
  CatalogTrendTransitionListV1,
  Events,
  VectorUpsertV1,
  type Envelope,
  type TrendDetectedV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus, type TestBusOptions } from '#testing';
import type { RunningApp } from '#bootstrap';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { HashTextEmbedder } from '../../embedder/src/embedding/index.js';
import { FilesModule } from '../../files/src/files.module.js';
import { VectorModule } from '../../vector/src/vector.module.js';
import { TrendModule } from '../src/trend.module.js';

const MYSQL_SERVER = process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export type Dialect = 'sqlite' | 'mariadb';

export interface TestArticle {
  title: string;
  text: string;
  publishedAt: string;
  lang?: string;
  category?: string;
}

const embedder = new HashTextEmbedder();

/** The article's representative as the embedder makes it: mean of the title's and the body's vectors. */
export async function representative(title: string, text: string): Promise<number[]> {
  const [a, b] = await embedder.embedTexts([title, text]);
  const sum = a!.map((v, i) => v + b![i]!);
  const norm = Math.hypot(...sum);
  return Array.from(sum, (v) => v / norm);
}

/**
 * Catalog (SQLite or MariaDB), files and vector apps on one isolated bus, and trend stages that
 * can be started and stopped. Articles go in as the scraper and embedder leave them: text file,
 * catalog row, representative vector, then `article.embedded`.
 */
export class TrendHarness {
  readonly space: { name: string; dim: number };
  private readonly trendApps: RunningApp[] = [];
  private sequence = 0;

  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
    readonly dbUrl: string,
    readonly files: FilesClient,
    readonly trendEnv: Record<string, string>,
  ) {
    this.space = { name: `t${randomBytes(4).toString('hex')}_text__standin-hash-ngram-v1__512`, dim: 512 };
  }

  static async start(options: { dialect: Dialect; trendEnv?: Record<string, string>; bus?: TestBusOptions; trend?: boolean }): Promise<TrendHarness> {
    const bus = await TestBus.create(options.bus);
    const dir = mkdtempSync(join(tmpdir(), 'trend-stage-'));
    const dbUrl = options.dialect === 'sqlite' ? `sqlite:${join(dir, 'catalog.sqlite')}` : `${MYSQL_SERVER}/trend_test_${randomBytes(5).toString('hex')}`;
    const files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
    const harness = new TrendHarness(bus, dir, dbUrl, files, options.trendEnv ?? {});
    try {
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: dbUrl, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
      await bus.startApp(VectorModule, 'vector', { VECTOR_BACKEND: 'usearch', DATA_DIR: dir });
      if (options.trend !== false) await harness.startTrend();
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  async startTrend(extra: Record<string, string> = {}): Promise<RunningApp> {
    const app = await this.bus.startApp(TrendModule, 'trend', { DATA_DIR: this.dir, ...this.trendEnv, ...extra });
    this.trendApps.push(app);
    return app;
  }

  async stopTrend(): Promise<void> {
    const app = this.trendApps.shift();
    if (!app) return;
    await app.close();
    this.bus.apps.splice(this.bus.apps.indexOf(app), 1);
  }

  /** Stores one article and its representative vector; returns the `article.embedded` payload. */
  async store(input: TestArticle): Promise<ArticleEmbeddedV1> {
    const n = this.sequence++;
    const scopeId = `${randomBytes(6).toString('hex')}${n}`;
    const textKey = await this.files.allocate({ scope: 'trend-test', scopeId, role: 'text', ext: 'txt' });
    const put = await this.files.put(textKey, input.text);
    const stored = await this.bus.requests.request(CatalogArticleUpsertV1, {
      url: `https://news.example/${scopeId}`,
      category: input.category ?? 'life',
      title: input.title,
      lang: input.lang ?? 'ko',
      publishedAt: input.publishedAt,
      scrapedAt: input.publishedAt,
      textKey,
      textBytes: put.bytes,
      textSha256: put.sha256,
      contentHash: createHash('sha256').update(`${input.title}\n${input.text}\n${scopeId}`).digest('hex'),
      media: [],
    });
    const id = `article:${stored.articleId}`;
    await this.bus.requests.request(VectorUpsertV1, {
      space: this.space,
      rows: [{ id, vector: await representative(input.title, input.text), articleId: stored.articleId, category: input.category ?? 'life', source: 'test', kind: 'article', createdAt: input.publishedAt }],
    });
    return {
      articleId: stored.articleId,
      spaces: [{ space: this.space.name, vectors: 1, dim: 512 }],
      failedParts: [],
      standIn: true,
      representative: { space: this.space.name, dim: 512, id },
    };
  }

  publish(payload: ArticleEmbeddedV1, key = `embedded:${payload.articleId}`): Promise<Envelope> {
    return this.bus.publisher.publish(ArticleEmbeddedV1, payload, { key, correlationId: `test-${payload.articleId}` });
  }

  async detected(): Promise<Envelope<TrendDetectedV1>[]> {
    return (await this.bus.read(Events.TrendDetectedV1)) as Envelope<TrendDetectedV1>[];
  }

  async transitions() {
    return (await this.bus.requests.request(CatalogTrendTransitionListV1, { since: '2000-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z', limit: 1000 })).transitions;
  }

  async cluster(clusterId: number) {
    return (await this.bus.requests.request(CatalogTrendClusterGetV1, { clusterId })).cluster;
  }

  /** Messages the trend durable has not acknowledged yet (pending + in flight). */
  async backlog(): Promise<number> {
    const info = await this.bus.jsm.consumers.info(this.bus.ns.stream('PIPELINE'), 'trend');
    return info.num_pending + info.num_ack_pending;
  }

  async close(): Promise<void> {
    this.files.close();
    await this.bus.close();
    if (this.dbUrl.startsWith('mysql:')) {
      const { dropDatabase } = await import('#database');
      await dropDatabase(this.dbUrl).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}


/** One consumer entry for the trend stage with other knobs (e.g. concurrency 1 for ordered tests). */
export function trendConsumer(concurrency: number): TestBusOptions['consumers'] {
  return { trend: [{ durable: 'trend', stream: 'PIPELINE', filter: 'pipeline.article.embedded.v1', ack_wait: '15s', concurrency }] };
}
