import { ArticleAliasEntity } from './article-alias.entity.js';
import { ArticleEmbeddingEntity } from './article-embedding.entity.js';
import { ArticleFingerprintEntity } from './article-fingerprint.entity.js';
import { ArticleEntity } from './article.entity.js';
import { CategoryEntity } from './category.entity.js';
import { EditEntity } from './edit.entity.js';
import { FileHoldEntity } from './file-hold.entity.js';
import { MediaEntity } from './media.entity.js';
import { MetricSnapshotEntity } from './metric-snapshot.entity.js';
import { PublicationEntity } from './publication.entity.js';
import { RegisteredFileEntity } from './registered-file.entity.js';
import { SourceEntity } from './source.entity.js';
import { StoryEntity } from './story.entity.js';
import { TrendArticleEntity } from './trend-article.entity.js';
import { TrendEntity } from './trend.entity.js';
import { VideoEntity } from './video.entity.js';
import { trendClusterEntities } from './trend-cluster.entities.js';
import { externalTrendEntities } from './external-trend.entities.js';

export {
  ArticleAliasEntity,
  ArticleEmbeddingEntity,
  ArticleEntity,
  ArticleFingerprintEntity,
  CategoryEntity,
  EditEntity,
  FileHoldEntity,
  MediaEntity,
  MetricSnapshotEntity,
  PublicationEntity,
  RegisteredFileEntity,
  SourceEntity,
  StoryEntity,
  TrendArticleEntity,
  TrendEntity,
  VideoEntity,
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
];
