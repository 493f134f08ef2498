import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArticleStoredV1,
  CatalogArticleGetV1,
  CatalogArticleUpsertV1,
  Events,
  VectorCountV1,
  type Envelope,
  type MediaInputV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus, type TestBusOptions } from '#testing';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { MILVUS_DEFAULTS, MilvusBackend } from '../../vector/src/backends/milvus.backend.js';
import { VectorModule } from '../../vector/src/vector.module.js';
import { EmbedderModule } from '../src/embedder.module.js';
import { HashTextEmbedder, IMAGE_FEATURES_MODEL_ID } from '../src/embedding/index.js';
import { stageSpaces, type StageSpaces } from '../src/vector-spaces.js';

interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
// better-sqlite3 ships no types; the tests only read the catalog's article_embedding rows.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;

export interface EmbeddingRecord {
  space: string;
  model: string;
  dim: number;
  vectors: number;
  failed_parts: number;
  stand_in: number;
  embedded_at: string;
  updated_at: string;
}

export const MILVUS_ADDRESS = process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530';
export type VectorStore = 'usearch' | 'milvus';

export interface StoredArticle {
  articleId: number;
  mediaIds: number[];
  event: ArticleStoredV1;
}

export interface ArticleInput {
  title: string;
  text: string;
  category?: string;
  url?: string;
  images?: Buffer[];
  videos?: { bytes: Buffer; caption?: string }[];
  /**
   * false: the row gets no text key and only the event carries it, as the scraper does (it writes
   * the text after the row, under a key of the article).
   */
  textKeyInCatalog?: boolean;
}

/**
 * Catalog (SQLite), files and vector apps of one isolated bus, in this process, and optionally the
 * embedder too. Articles go in the way the scraper puts them: bytes to files, rows to the catalog,
 * then `article.stored`. Space names carry a prefix of their own, so Milvus is shared safely.
 */
export class StageHarness {
  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
    readonly store: VectorStore,
    readonly spacePrefix: string,
    readonly spaces: StageSpaces,
    readonly files: FilesClient,
  ) {}

  static async start(options: { store: VectorStore; embedder: boolean; bus?: TestBusOptions; embedderEnv?: Record<string, string> }): Promise<StageHarness> {
    const bus = await TestBus.create(options.bus);
    const dir = mkdtempSync(join(tmpdir(), 'embedder-stage-'));
    const spacePrefix = `t${randomBytes(4).toString('hex')}_`;
    const spaces = stageSpaces(spacePrefix, new HashTextEmbedder(), { modelId: IMAGE_FEATURES_MODEL_ID, dim: 207, standIn: true });
    const files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
    const harness = new StageHarness(bus, dir, options.store, spacePrefix, spaces, files);
    try {
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
      await bus.startApp(VectorModule, 'vector', harness.vectorEnv());
      if (options.embedder) await bus.startApp(EmbedderModule, 'embedder', { ...harness.embedderEnv(), ...options.embedderEnv });
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  vectorEnv(): Record<string, string> {
    return this.store === 'milvus'
      ? { MILVUS_ADDRESS, MILVUS_INDEX_TYPE: 'FLAT', DATA_DIR: this.dir }
      : { VECTOR_BACKEND: 'usearch', DATA_DIR: this.dir };
  }

  embedderEnv(): Record<string, string> {
    return { EMBEDDER_BACKEND: 'standin', EMBEDDER_SPACE_PREFIX: this.spacePrefix, DATA_DIR: this.dir };
  }

  /** Stores the bytes and the rows, as the scraper does; returns the `article.stored` payload. */
  async storeArticle(input: ArticleInput): Promise<StoredArticle> {
    const scopeId = randomBytes(8).toString('hex');
    const textKey = await this.files.allocate({ scope: 'embedder-test', scopeId, role: 'text', ext: 'txt' });
    const text = await this.files.put(textKey, input.text);
    const media: MediaInputV1[] = [];
    let position = 0;
    for (const bytes of input.images ?? []) {
      const key = await this.files.allocate({ scope: 'embedder-test', scopeId, role: 'image', ext: 'jpg', index: position + 1 });
      const put = await this.files.put(key, bytes);
      media.push({ kind: 'image', position, sourceUrl: `https://img.example/${scopeId}/${position}.jpg`, fileKey: key, bytes: put.bytes, sha256: put.sha256 });
      position++;
    }
    for (const video of input.videos ?? []) {
      const key = await this.files.allocate({ scope: 'embedder-test', scopeId, role: 'video', ext: 'mp4', index: position + 1 });
      const put = await this.files.put(key, video.bytes);
      media.push({
        kind: 'video',
        position,
        sourceUrl: `https://video.example/${scopeId}/${position}.mp4`,
        fileKey: key,
        bytes: put.bytes,
        sha256: put.sha256,
        caption: video.caption ?? null,
      });
      position++;
    }
    const url = input.url ?? `https://news.example/${scopeId}`;
    const contentHash = createHash('sha256').update(input.text).digest('hex');
    const stored = await this.bus.requests.request(CatalogArticleUpsertV1, {
      url,
      category: input.category ?? 'life',
      title: input.title,
      lang: 'ko',
      scrapedAt: new Date().toISOString(),
      ...(input.textKeyInCatalog === false ? {} : { textKey, textBytes: text.bytes, textSha256: text.sha256 }),
      contentHash,
      media,
    });
    const { article, media: rows } = await this.bus.requests.request(CatalogArticleGetV1, { articleId: stored.articleId });
    const event: ArticleStoredV1 = {
      articleId: article.articleId,
      url: article.url,
      title: article.title,
      category: article.category,
      lang: article.lang,
      textKey,
      contentHash,
      media: rows.map((row) => ({ mediaId: row.mediaId, kind: row.kind, key: row.fileKey, position: row.position })),
    };
    return { articleId: article.articleId, mediaIds: rows.map((row) => row.mediaId), event };
  }

  publishStored(event: ArticleStoredV1, key = `article:${event.articleId}`): Promise<Envelope> {
    return this.bus.publisher.publish(ArticleStoredV1, event, { key, correlationId: `test-${event.articleId}` });
  }

  /** The catalog's record of what the embedder wrote for an article, read from its SQLite file. */
  catalogEmbeddings(articleId: number): EmbeddingRecord[] {
    const db = new Database(join(this.dir, 'catalog.sqlite'), { readonly: true });
    try {
      return db
        .prepare('SELECT space, model, dim, vectors, failed_parts, stand_in, embedded_at, updated_at FROM article_embedding WHERE article_id = ? ORDER BY space')
        .all(articleId) as EmbeddingRecord[];
    } finally {
      db.close();
    }
  }

  async count(space: { name: string; dim: number }): Promise<number> {
    return (await this.bus.requests.request(VectorCountV1, { space })).count;
  }

  /** Every `article.embedded` in the stream so far, in stream order. */
  async embeddedEvents(): Promise<Envelope<import('#contracts').ArticleEmbeddedV1>[]> {
    return this.bus.read(Events.ArticleEmbeddedV1) as Promise<Envelope<import('#contracts').ArticleEmbeddedV1>[]>;
  }

  async close(): Promise<void> {
    this.files.close();
    await this.bus.close();
    if (this.store === 'milvus') await dropSpaces([this.spaces.text, this.spaces.image]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Rows of a space counted by Milvus itself, not through the vector service. */
export async function milvusCount(space: { name: string; dim: number }): Promise<number> {
  const milvus = new MilvusBackend({ ...MILVUS_DEFAULTS, address: MILVUS_ADDRESS, indexType: 'FLAT' });
  try {
    return await milvus.count({ ...space, metric: 'cosine' });
  } finally {
    await milvus.close();
  }
}

export async function dropSpaces(spaces: { name: string; dim: number }[]): Promise<void> {
  const milvus = new MilvusBackend({ ...MILVUS_DEFAULTS, address: MILVUS_ADDRESS, indexType: 'FLAT' });
  try {
    for (const space of spaces) await milvus.dropSpace({ ...space, metric: 'cosine' });
  } finally {
    await milvus.close();
  }
}

/**
 * Reads the messages of one subject with an ordered consumer: pipeline events from PIPELINE,
 * dead letters (`dlq.…`) from DLQ.
 */
