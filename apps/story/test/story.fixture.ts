import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CatalogArticleUpsertV1,
  CatalogStoryFindV1,
  CatalogTrendCreateV1,
  Events,
  StoryScriptV1,
  TrendDetectedV1,
  type Envelope,
  type MediaInputV1,
  type StoryRowV1,
  type StoryWrittenV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus } from '#testing';
import sharp from 'sharp';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { StoryModule } from '../src/story.module.js';

export interface ArticleSpec {
  title: string;
  text: string;
  category?: string;
  lang?: string;
  images?: number;
}

/** Catalog (SQLite) and files of one isolated bus, plus the story stage with the given env. */
export class StoryHarness {
  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
    readonly files: FilesClient,
  ) {}

  static async start(storyEnv: Record<string, string>, policy = 'default: { perDay: 5, minScore: 0, stages: [emerging, peaking] }\n'): Promise<StoryHarness> {
    const bus = await TestBus.create({ delivery: { backoff: ['100ms', '200ms', '400ms'], max_deliver: 3 } });
    const dir = mkdtempSync(join(tmpdir(), 'story-stage-'));
    const files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
    const harness = new StoryHarness(bus, dir, files);
    try {
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
      writeFileSync(join(dir, 'story.yaml'), policy);
      await bus.startApp(StoryModule, 'story', { DATA_DIR: dir, STORY_POLICY: join(dir, 'story.yaml'), ...storyEnv });
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  async storeArticle(spec: ArticleSpec): Promise<number> {
    const scopeId = randomBytes(8).toString('hex');
    const textKey = await this.files.allocate({ scope: 'story-test', scopeId, role: 'text', ext: 'txt' });
    const text = await this.files.put(textKey, spec.text);
    const media: MediaInputV1[] = [];
    for (let position = 0; position < (spec.images ?? 0); position++) {
      const bytes = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 40 * position, g: 120, b: 200 } } }).jpeg().toBuffer();
      const key = await this.files.allocate({ scope: 'story-test', scopeId, role: 'image', ext: 'jpg', index: position + 1 });
      const put = await this.files.put(key, bytes);
      media.push({ kind: 'image', position, sourceUrl: `https://img.example/${scopeId}/${position}.jpg`, fileKey: key, bytes: put.bytes, sha256: put.sha256, caption: `사진 ${position + 1}` });
    }
    const stored = await this.bus.requests.request(CatalogArticleUpsertV1, {
      url: `https://news.example/${scopeId}`,
      category: spec.category ?? 'life',
      title: spec.title,
      lang: spec.lang ?? 'ko',
      scrapedAt: new Date().toISOString(),
      textKey,
      textBytes: text.bytes,
      textSha256: text.sha256,
      contentHash: randomBytes(32).toString('hex'),
      media,
    });
    return stored.articleId;
  }

  /** A trend row in the catalog and its `trend.detected` event. */
  async detectTrend(articleIds: number[], options: { text?: string; category?: string | null; score?: number; stage?: string; key?: string } = {}): Promise<TrendDetectedV1> {
    const trend = {
      text: options.text ?? `20-30대가 몰리는 ${randomBytes(3).toString('hex')}`,
      category: options.category === undefined ? 'life' : options.category,
      windowStart: '2026-11-28T00:00:00.000Z',
      windowEnd: '2026-11-29T00:00:00.000Z',
      score: options.score ?? 3.5,
      detector: 'story-test',
      articleIds,
    };
    const { trendId } = await this.bus.requests.request(CatalogTrendCreateV1, trend);
    const payload: TrendDetectedV1 = { trendId, ...trend };
    await this.publish(payload, options.key);
    return payload;
  }

  publish(payload: TrendDetectedV1, key = `trend:${payload.trendId}`): Promise<Envelope> {
    return this.bus.publisher.publish(TrendDetectedV1, payload, { key, correlationId: `test-${payload.trendId}` });
  }

  async stories(trendId: number): Promise<StoryRowV1[]> {
    return (await this.bus.requests.request(CatalogStoryFindV1, { trendId })).stories;
  }

  async script(textKey: string): Promise<StoryScriptV1> {
    return StoryScriptV1.parse(JSON.parse((await this.files.get(textKey)).toString('utf8')));
  }

  /** The record beside a story (its prompt, the model's reply, who wrote which field). */
  async record(textKey: string): Promise<{ standIn: boolean; draft: string | null; authorship: { model: string[]; code: string[] }; modelOutput: unknown; prompt: { role: string; content: string }[] | null }> {
    return JSON.parse((await this.files.get(textKey.replace(/story-(\d+)\.json$/, 'text-$1.json'))).toString('utf8'));
  }

  async written(): Promise<Envelope<StoryWrittenV1>[]> {
    return this.bus.read(Events.StoryWrittenV1) as Promise<Envelope<StoryWrittenV1>[]>;
  }

  async deadLetters(): Promise<Envelope[]> {
    return this.bus.read(`dlq.${Events.TrendDetectedV1}`);
  }

  async close(): Promise<void> {
    this.files.close();
    await this.bus.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

