import { ArticleAliasEntity } from './article-alias.entity.js';
import { ArticleEmbeddingEntity } from './article-embedding.entity.js';
import { ArticleFingerprintEntity } from './article-fingerprint.entity.js';
import { ArticleEntity } from './article.entity.js';
import { CategoryEntity } from './category.entity.js';
import { ChannelEntity } from './channel.entity.js';
import { EditEntity } from './edit.entity.js';
import { FileHoldEntity } from './file-hold.entity.js';
import { MediaEntity } from './media.entity.js';
import { MetricDailyEntity } from './metric-daily.entity.js';
import { MetricSnapshotEntity } from './metric-snapshot.entity.js';
import { PublicationEntity } from './publication.entity.js';
import { QuotaLedgerEntity } from './quota-ledger.entity.js';
import { RegisteredFileEntity } from './registered-file.entity.js';
import { SourceEntity } from './source.entity.js';
import { StoryEntity } from './story.entity.js';
import { TrendArticleEntity } from './trend-article.entity.js';
import { TrendEntity } from './trend.entity.js';
import { UploadEntity } from './upload.entity.js';
import { VideoEntity } from './video.entity.js';
import { trendClusterEntities } from './trend-cluster.entities.js';
import { externalTrendEntities } from './external-trend.entities.js';
import { VideoJobEntity } from './video-job.entity.js';

export {
  ArticleAliasEntity,
  ArticleEmbeddingEntity,
  ArticleEntity,
  ArticleFingerprintEntity,
  CategoryEntity,
  ChannelEntity,
  EditEntity,
  FileHoldEntity,
  MediaEntity,
  MetricDailyEntity,
  MetricSnapshotEntity,
  PublicationEntity,
  QuotaLedgerEntity,
  RegisteredFileEntity,
  SourceEntity,
  StoryEntity,
  TrendArticleEntity,
  TrendEntity,
  UploadEntity,
  VideoEntity,
  VideoJobEntity,
};

export const catalogEntities = [
  CategoryEntity,
  SourceEntity,
  ArticleEntity,
  ArticleAliasEntity,
  MediaEntity,
  TrendEntity,
  TrendArticleEntity,
  StoryEntity,
  VideoEntity,
  EditEntity,
  PublicationEntity,
  MetricSnapshotEntity,
  RegisteredFileEntity,
  FileHoldEntity,
  ArticleEmbeddingEntity,
  ArticleFingerprintEntity,
  ...trendClusterEntities,
  ...externalTrendEntities,
  VideoJobEntity,
  ChannelEntity,
  QuotaLedgerEntity,
  UploadEntity,
  MetricDailyEntity,
];
