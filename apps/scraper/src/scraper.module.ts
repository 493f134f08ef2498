import { FilesClient } from '#files-client';
import { APP_ENV, EventPublisher, RequestClient, APP_LOGGER } from '#messaging';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type winston from 'winston';
import { ArticleService } from './article.service.js';
import { CatalogClient } from './catalog.client.js';
import { FetchClient } from './fetch/fetch.client.js';
import { systemResolver } from './fetch/guarded.agent.js';
import { FfmpegClient } from './media/ffmpeg.client.js';
import { ImageProcessor } from './media/image.processor.js';
import { MediaService } from './media/media.service.js';
import { RunJournal } from './run.journal.js';
import { SchedulerService } from './scheduler.service.js';
import { loadScraperConfig, SCRAPER_CONFIG, type ScraperConfig } from './scraper.config.js';
import { ScraperHandler } from './scraper.handler.js';
import { ScraperService } from './scraper.service.js';
import { DiscoveryService } from './sources/discovery.service.js';
import { SourceRegistry } from './sources/source.registry.js';

/** Starts the scheduler once the app is up; stops it, the sample site and the pools on shutdown. */
class ScraperLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SCRAPER_CONFIG) private readonly config: ScraperConfig,
    @Inject(SchedulerService) private readonly scheduler: SchedulerService,
    @Inject(SourceRegistry) private readonly registry: SourceRegistry,
    @Inject(FilesClient) private readonly files: FilesClient,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SCRAPER_SCHEDULER === 'on') this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.scheduler.stop();
    this.files.close();
    await this.registry.close();
  }
}

@Module({
  controllers: [ScraperHandler],
  providers: [
    { provide: SCRAPER_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadScraperConfig(env) },
    {
      provide: SourceRegistry,
      inject: [SCRAPER_CONFIG, APP_LOGGER],
      useFactory: (config: ScraperConfig, logger: winston.Logger) =>
        SourceRegistry.open({ path: config.SCRAPER_SOURCES, samplePort: config.SCRAPER_SAMPLE_SITE_PORT, logger }),
    },
    {
      provide: FetchClient,
      inject: [SCRAPER_CONFIG],
      useFactory: (config: ScraperConfig) =>
        new FetchClient({
          userAgent: config.SCRAPER_USER_AGENT,
          robotsAgent: config.SCRAPER_ROBOTS_AGENT,
          resolver: systemResolver(config.dnsOverrides),
          timeoutMs: config.SCRAPER_TIMEOUT,
          connectTimeoutMs: config.SCRAPER_CONNECT_TIMEOUT,
          retries: config.SCRAPER_RETRIES,
          retryBaseMs: config.SCRAPER_RETRY_BASE,
          maxRetryAfterMs: config.SCRAPER_MAX_RETRY_AFTER,
          maxRedirects: config.SCRAPER_MAX_REDIRECTS,
          hostConcurrency: config.SCRAPER_HOST_CONCURRENCY,
          hostDelayMs: config.SCRAPER_HOST_DELAY,
          maxCrawlDelayMs: config.SCRAPER_MAX_CRAWL_DELAY,
          robotsMaxBytes: 512 * 1024,
        }),
    },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    { provide: CatalogClient, inject: [RequestClient], useFactory: (requests: RequestClient) => new CatalogClient(requests) },
    {
      provide: ImageProcessor,
      inject: [SCRAPER_CONFIG],
      useFactory: (config: ScraperConfig) =>
        new ImageProcessor({ maxPixels: config.SCRAPER_MAX_IMAGE_PIXELS, maxSide: config.SCRAPER_IMAGE_MAX_SIDE, thumbSide: config.SCRAPER_THUMB_SIDE }),
    },
    { provide: FfmpegClient, inject: [SCRAPER_CONFIG], useFactory: (config: ScraperConfig) => new FfmpegClient(config.SCRAPER_FFMPEG_TIMEOUT) },
    {
      provide: MediaService,
      inject: [FilesClient, CatalogClient, ImageProcessor, FfmpegClient, SCRAPER_CONFIG],
      useFactory: (files: FilesClient, catalog: CatalogClient, images: ImageProcessor, ffmpeg: FfmpegClient, config: ScraperConfig) =>
        new MediaService(files, catalog, images, ffmpeg, {
          imageBytes: config.SCRAPER_MAX_IMAGE_BYTES,
          videoBytes: config.SCRAPER_MAX_VIDEO_BYTES,
          videoTimeoutMs: config.SCRAPER_VIDEO_TIMEOUT,
          maxVideoSeconds: config.SCRAPER_MAX_VIDEO_SECONDS,
          keyframes: config.SCRAPER_KEYFRAMES,
          tmpDir: config.SCRAPER_TMP_DIR,
        }),
    },
    {
      provide: DiscoveryService,
      inject: [SCRAPER_CONFIG],
      useFactory: (config: ScraperConfig) => new DiscoveryService({ feedBytes: config.SCRAPER_MAX_FEED_BYTES, pageBytes: config.SCRAPER_MAX_PAGE_BYTES }),
    },
    {
      provide: ArticleService,
      inject: [CatalogClient, FilesClient, MediaService, EventPublisher, SCRAPER_CONFIG],
      useFactory: (catalog: CatalogClient, files: FilesClient, media: MediaService, publisher: EventPublisher, config: ScraperConfig) =>
        new ArticleService(catalog, files, media, publisher, {
          pageBytes: config.SCRAPER_MAX_PAGE_BYTES,
          mediaPerArticle: config.SCRAPER_MEDIA_PER_ARTICLE,
          resumeAfterMs: config.SCRAPER_RESUME_AFTER,
        }),
    },
    { provide: RunJournal, useValue: new RunJournal() },
    {
      provide: ScraperService,
      inject: [FetchClient, DiscoveryService, ArticleService, CatalogClient, RunJournal, SCRAPER_CONFIG],
      useFactory: (fetch: FetchClient, discovery: DiscoveryService, articles: ArticleService, catalog: CatalogClient, journal: RunJournal, config: ScraperConfig) =>
        new ScraperService(fetch, discovery, articles, catalog, journal, {
          articleConcurrency: config.SCRAPER_ARTICLE_CONCURRENCY,
          nearDuplicateBits: config.SCRAPER_NEAR_DUPLICATE_BITS,
        }),
    },
    {
      provide: SchedulerService,
      inject: [SourceRegistry, EventPublisher, CatalogClient, APP_LOGGER, SCRAPER_CONFIG],
      useFactory: (registry: SourceRegistry, publisher: EventPublisher, catalog: CatalogClient, logger: winston.Logger, config: ScraperConfig) =>
        new SchedulerService(registry.sources, publisher, logger, {
          tickMs: config.SCRAPER_SCHEDULE_TICK,
          graceMs: config.SCRAPER_SCHEDULE_GRACE,
          ready: () => catalog.categorySlugs(),
        }),
    },
    ScraperLifecycle,
  ],
})
export class ScraperModule {}
