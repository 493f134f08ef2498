import { redact } from '#database';
import { APP_ENV, APP_LOGGER } from '#messaging';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type winston from 'winston';
import { ArticleEmbeddingController } from './article-embedding.controller.js';
import { ArticleEmbeddingService } from './article-embedding.service.js';
import { ArticleFingerprintController } from './article-fingerprint.controller.js';
import { ArticleFingerprintService } from './article-fingerprint.service.js';
import { CATALOG_CONFIG, loadCatalogConfig, type CatalogConfig } from './catalog.config.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';

import { openCatalogDatabase } from './database/catalog-database.js';
import { ProductionService } from './production.service.js';
import { PublisherCatalogController } from './publisher.controller.js';
import { PublisherCatalogService } from './publisher.service.js';
import { PublisherRepository } from './repositories/publisher.repository.js';
import { ArticleEmbeddingRepository } from './repositories/article-embedding.repository.js';
import { ArticleFingerprintRepository } from './repositories/article-fingerprint.repository.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { CategoryRepository } from './repositories/category.repository.js';
import { EditRepository } from './repositories/edit.repository.js';
import { FileRegistryRepository } from './repositories/file-registry.repository.js';
import { MediaRepository } from './repositories/media.repository.js';
import { PublicationRepository } from './repositories/publication.repository.js';
import { SourceRepository } from './repositories/source.repository.js';
import { StoryRepository } from './repositories/story.repository.js';
import { TrendRepository } from './repositories/trend.repository.js';
import { VideoRepository } from './repositories/video.repository.js';
import { ReportController } from './report.controller.js';
import { ReportService } from './report.service.js';
import { RetentionService } from './retention.service.js';
import { CatalogStorageSizeController } from './storage-size.controller.js';
import { TrendClusterController } from './trend-cluster.controller.js';
import { TrendClusterService } from './trend-cluster.service.js';
import { ExternalTrendService } from './external-trend.service.js';
import { VideoJobRepository } from './repositories/video-job.repository.js';
import { VideoJobController } from './video-job.controller.js';
import { VideoJobService } from './video-job.service.js';

/** Closes the database when the app stops, after in-flight requests. */
class CatalogDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({
  controllers: [CatalogController, ArticleEmbeddingController, ArticleFingerprintController, TrendClusterController, VideoJobController, PublisherCatalogController, ReportController, CatalogStorageSizeController],
  providers: [
    { provide: CATALOG_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadCatalogConfig(env) },
    {
      provide: DataSource,
      inject: [CATALOG_CONFIG, APP_LOGGER],
      useFactory: async (config: CatalogConfig, logger: winston.Logger) => {
        const dataSource = await openCatalogDatabase(config.dbUrl);
        logger.info(`catalog database ${redact(config.dbUrl)} ready`);
        return dataSource;
      },
    },
    CatalogDatabaseCloser,
    CategoryRepository,
    SourceRepository,
    ArticleRepository,
    MediaRepository,
    TrendRepository,
    StoryRepository,
    VideoRepository,
    EditRepository,
    PublicationRepository,
    FileRegistryRepository,
    ArticleEmbeddingRepository,
    ArticleFingerprintRepository,
    PublisherRepository,
    CatalogService,
    ProductionService,
    RetentionService,
    ArticleEmbeddingService,
    ArticleFingerprintService,
    TrendClusterService,
    ExternalTrendService,
    VideoJobRepository,
    VideoJobService,
    PublisherCatalogService,
    ReportService,
  ],
})
export class CatalogModule {}
