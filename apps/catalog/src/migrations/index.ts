import { ArticleEmbedding1795692644271 } from './article-embedding.migration.js';
import { ArticleFingerprint1796000000000 } from './article-fingerprint.migration.js';
import { ArticleAnnounced1796205000000 } from './article-announced.migration.js';
import { EditQa1795989329366 } from './edit-qa.migration.js';
import { ExternalTrend1796202000000 } from './external-trend.migration.js';
import { InitialSchema1767225600000 } from './initial-schema.migration.js';
import { MediaStatus1796100000000 } from './media-status.migration.js';
import { PublicationViews1796206500000 } from './publication-views.migration.js';
import { PublisherTables1796204803249 } from './publisher.migration.js';
import { ReportStageIndex1796206700000 } from './report-stage-index.migration.js';
import { SeedCategories1767225600001 } from './seed-categories.migration.js';
import { StoryRecord1796204000000 } from './story-record.migration.js';
import { TrendBatch1796206600000 } from './trend-batch.migration.js';
import { TrendCluster1796201000000 } from './trend-cluster.migration.js';
import { VideoJob1796203000000 } from './video-job.migration.js';

/** In order; a schema change is a new migration appended here. */
export const catalogMigrations = [
  InitialSchema1767225600000,
  SeedCategories1767225600001,
  ArticleEmbedding1795692644271,
  ArticleFingerprint1796000000000,
  MediaStatus1796100000000,
  TrendCluster1796201000000,
  ExternalTrend1796202000000,
  VideoJob1796203000000,
  EditQa1795989329366,
  StoryRecord1796204000000,
  PublisherTables1796204803249,
  ArticleAnnounced1796205000000,
  PublicationViews1796206500000,
  TrendBatch1796206600000,
  ReportStageIndex1796206700000,
];
