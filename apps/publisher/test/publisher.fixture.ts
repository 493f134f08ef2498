import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CatalogArticleUpsertV1,
  CatalogEditCreateV1,
  CatalogStoryCreateV1,
  CatalogTrendCreateV1,
  CatalogVideoCreateV1,
  VideoEditedV1,
  type Envelope,
  type StoryScriptV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus, type TestBusOptions } from '#testing';
import { FakeYoutube, type FakeYoutubeOptions } from '#youtube';
import { stringify } from 'yaml';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { TestDatabase } from '../../catalog/test/catalog-fixture.js';
import { FilesModule } from '../../files/src/files.module.js';
import { PublisherModule } from '../src/publisher.module.js';

export const CLIENT = { id: 'test-client', secret: 'test-secret' };

/** A small real MP4 (H.264 + AAC) made by ffmpeg: about `seconds` of a test pattern with a tone. */
export function makeMp4(dir: string, seconds = 2, size = '320x240'): string {
  const path = join(dir, `clip-${seconds}-${size}.mp4`);
  const result = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=${size}:rate=25`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ]);
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.toString()}`);
  return path;
}

export interface ChannelSpec {
  name: string;
  dailyCap?: number;
  windows?: string[];
  privacy?: string;
}

/**
 * Catalog (MariaDB), files and a fake YouTube on one isolated bus; the publisher runs in this
 * process (`startPublisher`) or as a child (the SIGKILL test, with `publisherEnv()`).
 */
export class PublisherHarness {
  readonly files: FilesClient;
  readonly refreshTokens = new Map<string, string>();
  private sequence = 0;

  private constructor(
    readonly bus: TestBus,
    readonly dir: string,
    readonly db: TestDatabase,
    readonly fake: FakeYoutube,
    readonly channelsFile: string,
  ) {
    this.files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
  }

  static async start(options: {
    channels: ChannelSpec[];
    routes?: { categories: string[]; channels: string[] }[];
    fake?: FakeYoutubeOptions;
    bus?: TestBusOptions;
    /** Extra env per app, e.g. its NATS user on a server with permissions. */
    appEnv?: (app: string) => Record<string, string>;
  }): Promise<PublisherHarness> {
    const bus = await TestBus.create({
      delivery: { backoff: ['200ms'], ack_wait: '5s' },
      consumers: { publisher: [{ durable: 'publisher', stream: 'PIPELINE', filter: 'pipeline.video.edited.v1', ack_wait: '3s', max_deliver: 60, backoff: ['200ms'], concurrency: 2 }] },
      ...options.bus,
    });
    const dir = mkdtempSync(join(tmpdir(), 'publisher-test-'));
    const db = TestDatabase.create('mariadb');
    const fake = new FakeYoutube({ clientId: CLIENT.id, clientSecret: CLIENT.secret, ...options.fake });
    await fake.start();
    const channelsFile = join(dir, 'channels.yaml');
    const harness = new PublisherHarness(bus, dir, db, fake, channelsFile);
    for (const channel of options.channels) {
      const token = `refresh-${channel.name}-${Math.random().toString(36).slice(2)}`;
      fake.addChannel(channel.name, token);
      harness.refreshTokens.set(channel.name, token);
    }
    writeFileSync(
      channelsFile,
      stringify({
        defaults: { privacy: 'private', timezone: 'Asia/Seoul', language: 'ko' },
        channels: options.channels.map((c) => ({ ...c, refreshToken: { env: envName(c.name) } })),
        routes: options.routes ?? [{ categories: ['*'], channels: options.channels.map((c) => c.name) }],
      }),
    );
    try {
      await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: db.url, DATA_DIR: dir, ...options.appEnv?.('catalog') });
      await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir, ...options.appEnv?.('files') });
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  publisherEnv(extra: Record<string, string> = {}): Record<string, string> {
    const tokens = Object.fromEntries([...this.refreshTokens].map(([name, token]) => [envName(name), token]));
    return {
      DATA_DIR: this.dir,
      PUBLISHER_BACKEND: 'youtube',
      YOUTUBE_CHANNELS: this.channelsFile,
      YOUTUBE_API_URL: this.fake.url,
      YOUTUBE_TOKEN_URL: this.fake.tokenUrl,
      YOUTUBE_CLIENT_ID: CLIENT.id,
      YOUTUBE_CLIENT_SECRET: CLIENT.secret,
      PUBLISHER_CHUNK_MIB: '1',
      PUBLISHER_BACKOFF: '10ms',
      PUBLISHER_BACKOFF_MAX: '50ms',
      PUBLISHER_TMP_DIR: join(this.dir, 'tmp'),
      PUBLISHER_MAX_DEFER: '500ms',
      PUBLISHER_DISABLED_RECHECK: '500ms',
      ...tokens,
      ...extra,
    };
  }

  startPublisher(extra: Record<string, string> = {}) {
    return this.bus.startApp(PublisherModule, 'publisher', this.publisherEnv(extra));
  }

  /** Article, trend, story (a script file), video and edit (a real MP4 in the files service). */
  async seedEdit(options: { mp4: string; category?: string; title?: string; thumbnail?: Buffer }): Promise<{ event: VideoEditedV1; editFileKey: string; thumbnailKey: string | null }> {
    const n = ++this.sequence;
    const requests = this.bus.requests;
    const url = `https://news.example.kr/article/${n}-${Date.now()}`;
    const article = await requests.request(CatalogArticleUpsertV1, {
      url,
      category: options.category ?? 'economy',
      title: `기사 ${n}`,
      summary: null,
      keyFacts: [],
      lang: 'ko',
      publishedAt: new Date().toISOString(),
      scrapedAt: new Date().toISOString(),
      textKey: null,
      contentHash: `content-${n}-${Date.now()}-xxxxxxxxxxxxxxxx`,
      media: [],
    });
    const trend = await requests.request(CatalogTrendCreateV1, {
      text: `트렌드 ${n}`,
      category: options.category ?? 'economy',
      windowStart: new Date(Date.now() - 3_600_000).toISOString(),
      windowEnd: new Date().toISOString(),
      score: 0.5,
      detector: 'test',
      articleIds: [article.articleId],
    });
    const script: StoryScriptV1 = {
      title: options.title ?? `영상 제목 ${n}`,
      hook: '지금 가장 뜨거운 이야기',
      language: 'ko',
      scenes: [{ narration: '첫 장면', onScreen: '텍스트', mediaId: null, startS: null, endS: null, durationS: 2 }],
      hashtags: ['뉴스', 'test tag'],
      sourceUrl: url,
    };
    const storyKey = await this.files.allocate({ scope: 'publisher-test', scopeId: `s${n}`, role: 'story', ext: 'json' });
    await this.files.put(storyKey, JSON.stringify(script));
    const story = await requests.request(CatalogStoryCreateV1, { trendId: trend.trendId, articleId: article.articleId, model: 'test-writer', standIn: true, textKey: storyKey, variant: 0 });
    const videoKey = await this.files.allocate({ scope: 'publisher-test', scopeId: `s${n}`, role: 'generated', ext: 'mp4', index: 1 });
    await this.files.putFile(videoKey, options.mp4);
    const video = await requests.request(CatalogVideoCreateV1, { storyId: story.storyId, model: 'test-av', standIn: true, fileKey: videoKey, durationS: 2, hasAudio: true, generatedAt: new Date().toISOString(), variant: 0 });
    const editKey = await this.files.allocate({ scope: 'publisher-test', scopeId: `s${n}`, role: 'edited', ext: 'mp4', index: 1 });
    await this.files.putFile(editKey, options.mp4);
    const edit = await requests.request(CatalogEditCreateV1, { videoId: video.videoId, editor: 'test-editor', standIn: true, platformProfile: 'youtube-shorts', fileKey: editKey, durationS: 2, editedAt: new Date().toISOString() });
    let thumbnailKey: string | null = null;
    if (options.thumbnail) {
      thumbnailKey = await this.files.allocate({ scope: 'publisher-test', scopeId: `s${n}`, role: 'thumb', ext: 'jpg', index: 1 });
      await this.files.put(thumbnailKey, options.thumbnail);
    }
    const event = {
      editId: edit.editId,
      videoId: video.videoId,
      editor: 'test-editor',
      standIn: true,
      platformProfile: 'youtube-shorts',
      fileKey: editKey,
      durationS: 2,
      ...(thumbnailKey ? { thumbnailKey } : {}),
    };
    return { event, editFileKey: editKey, thumbnailKey };
  }

  publishEdited(event: VideoEditedV1): Promise<unknown> {
    return this.bus.publisher.publish(VideoEditedV1, event, { key: `test-edited:${event.editId}` });
  }

  /** Resolves once the publisher's consumer has nothing pending or unacknowledged (every message handled). */
  async settled(timeoutMs = 30_000): Promise<void> {
    const { waitFor } = await import('#testing');
    await waitFor('the publisher to handle every message', async () => {
      const info = await this.bus.jsm.consumers.info(this.bus.ns.stream('PIPELINE'), 'publisher');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, timeoutMs, 100);
  }

  async readEvents(subject: string): Promise<Envelope[]> {
    return this.bus.read(subject);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { openCatalogDatabase } = await import('../../catalog/src/database/catalog-database.js');
    const ds = await openCatalogDatabase(this.db.url);
    try {
      return (await ds.query(sql, params)) as T[];
    } finally {
      await ds.destroy();
    }
  }

  async close(): Promise<void> {
    await this.bus.close();
    this.files.close();
    await this.fake.stop();
    await this.db.drop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function envName(channel: string): string {
  return `YOUTUBE_REFRESH_TOKEN_${channel.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

