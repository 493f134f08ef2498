import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CatalogArticleUpsertV1,
  CatalogStoryCreateV1,
  CatalogTrendCreateV1,
  CatalogVideoCreateV1,
  Events,
  VideoGeneratedV1,
  type Envelope,
  type StoryScriptV1,
  type VideoEditedV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus } from '#testing';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { EditorModule } from '../src/editor.module.js';

interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
// better-sqlite3 ships no types; the tests only read the catalog's rows.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;

/** A small Shorts profile: the same rules at 360x640, so a spec encodes little. */
const PROFILES = `test-small:
  maxDurationS: 180
  width: 360
  height: 640
  fps: 30
  loudnessLufs: -14
  truePeakDb: -1
`;

/** Catalog (SQLite), files and the editor of one isolated bus, in this process. */
export class EditorHarness {
  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
    readonly files: FilesClient,
  ) {}

  static async start(editorEnv: Record<string, string> = {}): Promise<EditorHarness> {
    const bus = await TestBus.create({ delivery: { backoff: ['200ms'], max_deliver: 3 } });
    const dir = await mkdtemp(join(tmpdir(), 'editor-stage-'));
    const files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
    const harness = new EditorHarness(bus, dir, files);
    try {
      await writeFile(join(dir, 'profiles.yaml'), PROFILES);
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
      await bus.startApp(EditorModule, 'editor', {
        DATA_DIR: dir,
        EDITOR_PROFILES_FILE: join(dir, 'profiles.yaml'),
        EDITOR_PLATFORM_PROFILE: 'test-small',
        EDITOR_X264_PRESET: 'superfast',
        EDITOR_WORK_DIR: dir,
        ...editorEnv,
      });
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  /** A story with a generated video in the catalog and on the file server, as avgen leaves them. */
  async generatedVideo(videoFile: string, script: StoryScriptV1 | null): Promise<VideoGeneratedV1> {
    const tag = randomBytes(6).toString('hex');
    const { articleId } = await this.bus.requests.request(CatalogArticleUpsertV1, {
      url: `https://news.example/${tag}`,
      category: 'life',
      title: '성수동 팝업에 몰린 2030',
      lang: 'ko',
      scrapedAt: new Date().toISOString(),
      contentHash: `content-${tag}-xxxxxxxxxxxx`,
    });
    const { trendId } = await this.bus.requests.request(CatalogTrendCreateV1, {
      text: `성수동 팝업 ${tag}`,
      category: 'life',
      windowStart: '2026-11-29T00:00:00Z',
      windowEnd: '2026-11-29T12:00:00Z',
      score: 0.9,
      detector: 'test',
      articleIds: [articleId],
    });
    const now = new Date().toISOString();
    const textKey = `placeholder-${tag}`;
    const { storyId } = await this.bus.requests.request(CatalogStoryCreateV1, { trendId, articleId, model: 'standin-template', standIn: true, textKey, variant: 0 });
    let scriptKey: string | undefined;
    if (script) {
      scriptKey = await this.files.allocate({ storyId, role: 'story', ext: 'json', ownerCreatedAt: now });
      await this.files.put(scriptKey, JSON.stringify(script));
    }
    const fileKey = await this.files.allocate({ storyId, role: 'generated', ext: 'mp4', ownerCreatedAt: now });
    await this.files.putFile(fileKey, videoFile);
    const { videoId } = await this.bus.requests.request(CatalogVideoCreateV1, {
      storyId,
      model: 'standin-ffmpeg',
      standIn: true,
      fileKey,
      durationS: 4,
      hasAudio: true,
      generatedAt: now,
      variant: 0,
    });
    return { videoId, storyId, model: 'standin-ffmpeg', standIn: true, fileKey, durationS: 4, hasAudio: true, ...(scriptKey ? { scriptKey } : {}) };
  }

  publish(event: VideoGeneratedV1, key = `generated:${event.videoId}`): Promise<Envelope> {
    return this.bus.publisher.publish(VideoGeneratedV1, event, { key, correlationId: `test-${event.videoId}` });
  }

  async edited(videoId: number): Promise<Envelope<VideoEditedV1>[]> {
    return ((await this.bus.read(Events.VideoEditedV1)) as Envelope<VideoEditedV1>[]).filter((e) => e.payload.videoId === videoId);
  }

  async deadLetters(): Promise<Envelope[]> {
    return this.bus.read(`dlq.${Events.VideoGeneratedV1}`);
  }

  rows(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    const db = new Database(join(this.dir, 'catalog.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    this.files.close();
    await this.bus.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

