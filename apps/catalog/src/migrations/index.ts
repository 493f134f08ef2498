import { ArticleEmbedding1795692644271 } from './article-embedding.migration.js';
import { ArticleFingerprint1796000000000 } from './article-fingerprint.migration.js';
import { ArticleAnnounced1796203000000 } from './article-announced.migration.js';
import { InitialSchema1767225600000 } from './initial-schema.migration.js';
import { MediaStatus1796100000000 } from './media-status.migration.js';
import { TrendCluster1796201000000 } from './trend-cluster.migration.js';
import { ExternalTrend1796202000000 } from './external-trend.migration.js';
import { SeedCategories1767225600001 } from './seed-categories.migration.js';

/** In order; a schema change is a new migration appended here. */
export const catalogMigrations = [
  InitialSchema1767225600000,
  SeedCategories1767225600001,
  ArticleEmbedding1795692644271,
  ArticleFingerprint1796000000000,
  MediaStatus1796100000000,
  TrendCluster1796201000000,
  ExternalTrend1796202000000,
  ArticleAnnounced1796203000000,
];
