import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  CatalogArticleUpsertV1,
  CatalogStoryCreateV1,
  CatalogTrendCreateV1,
  CatalogArticleGetV1,
  Events,
  StoryWrittenV1,
  deadLetterSubject,
  type DeadLetterV1,
  type Envelope,
  type StoryScriptV1,
  type VideoGeneratedV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus, waitFor } from '#testing';
import type { RunningApp } from '#bootstrap';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { AvgenModule } from '../src/avgen.module.js';

interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
// better-sqlite3 ships no types; the tests only read rows.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;

/** Catalog (SQLite) and files of one isolated bus, in this process; avgen started per test. */
export class AvgenHarness {
  readonly files: FilesClient;
  avgen: RunningApp | null = null;
  private sequence = 0;

  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
  ) {
    this.files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
  }

  static async start(options: { ackWait?: string } = {}): Promise<AvgenHarness> {
    const bus = await TestBus.create({
      delivery: { backoff: ['200ms'] },
      consumers: { avgen: [{ durable: 'avgen', stream: 'PIPELINE', filter: 'pipeline.story.written.v1', ack_wait: options.ackWait ?? '30s', concurrency: 2 }] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'avgen-stage-'));
    const harness = new AvgenHarness(bus, dir);
    try {
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  async startAvgen(env: Record<string, string> = {}): Promise<RunningApp> {
    this.avgen = await this.bus.startApp(AvgenModule, 'avgen', { AVGEN_OUTPUT_SIZE: '360x640', AVGEN_PRESET: 'ultrafast', DATA_DIR: this.dir, ...env });
    return this.avgen;
  }

  async stopAvgen(): Promise<void> {
    const app = this.avgen;
    this.avgen = null;
    if (!app) return;
    this.bus.apps.splice(this.bus.apps.indexOf(app), 1);
    await app.close();
  }

  /** An article with the given media bytes, a trend, a story and its script on the file server. */
  async story(script: (mediaIds: number[]) => StoryScriptV1 | Record<string, unknown>, media: { kind: 'image' | 'video'; bytes: Buffer; ext: string }[] = []): Promise<StoryWrittenV1> {
    const n = ++this.sequence;
    const scopeId = randomBytes(6).toString('hex');
    const inputs = [];
    for (const [i, m] of media.entries()) {
      const key = await this.files.allocate({ scope: 'avgen-test', scopeId, role: m.kind, ext: m.ext, index: i + 1 });
      const put = await this.files.put(key, m.bytes);
      inputs.push({ kind: m.kind, position: i, sourceUrl: `https://img.example/${scopeId}/${i}.${m.ext}`, fileKey: key, bytes: put.bytes, sha256: put.sha256 });
    }
    const stored = await this.bus.requests.request(CatalogArticleUpsertV1, {
      url: `https://news.example/${scopeId}`,
      category: 'life',
      title: `기사 ${n}`,
      lang: 'ko',
      scrapedAt: new Date().toISOString(),
      contentHash: `hash-${scopeId}-${'x'.repeat(16)}`,
      media: inputs,
    });
    const { media: rows } = await this.bus.requests.request(CatalogArticleGetV1, { articleId: stored.articleId });
    const trend = await this.bus.requests.request(CatalogTrendCreateV1, {
      text: `trend ${scopeId}`, category: 'life', windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-02T00:00:00Z', score: 1, detector: 'test', articleIds: [stored.articleId],
    });
    // The story row first (its id names the script's folder), as a writer would with a known key.
    const scriptKey = await this.files.allocate({ scope: 'avgen-test', scopeId, role: 'text', ext: 'json' });
    const story = await this.bus.requests.request(CatalogStoryCreateV1, {
      trendId: trend.trendId, articleId: stored.articleId, model: 'template-writer', standIn: true, textKey: scriptKey, variant: 0,
    });
    await this.files.put(scriptKey, JSON.stringify(script(rows.map((r) => r.mediaId))));
    return { storyId: story.storyId, trendId: trend.trendId, articleId: stored.articleId, model: 'template-writer', standIn: true, textKey: scriptKey };
  }

  publish(story: StoryWrittenV1): Promise<Envelope> {
    return this.bus.publisher.publish(StoryWrittenV1, story, { key: `story:${story.storyId}`, correlationId: `test-story-${story.storyId}` });
  }

  async generated(storyId: number, timeoutMs = 90_000): Promise<VideoGeneratedV1> {
    return waitFor(
      `video.generated of story ${storyId}`,
      async () => (await this.bus.read(Events.VideoGeneratedV1)).map((e) => e.payload as VideoGeneratedV1).find((p) => p.storyId === storyId),
      timeoutMs,
      250,
    );
  }

  async deadLetter(storyId: number, timeoutMs = 60_000): Promise<DeadLetterV1> {
    return waitFor(
      `dead letter of story ${storyId}`,
      async () =>
        (await this.bus.read(deadLetterSubject(Events.StoryWrittenV1))).map((e) => e.payload as DeadLetterV1).find((d) => d.correlationId === `test-story-${storyId}`),
      timeoutMs,
      250,
    );
  }

  /** Reads the catalog's SQLite file directly (the tests check rows no request returns). */
  query(sql: string, ...params: unknown[]): unknown[] {
    const db = new Database(join(this.dir, 'catalog.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all(...params);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    this.files.close();
    await this.bus.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

