import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, numeric } from '../database/column-transformers.js';

/** The assignment sequence of one vector space: a replica's cache of centroids is current when it matches. */
@Entity({ name: 'trend_space' })
export class TrendSpaceEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 128 }) space!: string;
  @Column({ type: 'integer' }) dim!: number;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) seq!: number;
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 }) updatedAt!: Date;
  /** The latest event time assigned in the space, and when (wall clock) it was reached: the space's event clock. */
  @Column({ name: 'watermark_at', type: 'datetime', precision: 3, nullable: true }) watermarkAt!: Date | null;
  @Column({ name: 'watermark_set_at', type: 'datetime', precision: 3, nullable: true }) watermarkSetAt!: Date | null;
}

/** A cluster of articles; its id never changes (merges are edges, not renumbering). */
@Entity({ name: 'trend_cluster' })
export class TrendClusterEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 128 }) space!: string;
  @Column({ type: 'integer' }) dim!: number;
  @Column({ name: 'vector_sum', type: 'text' }) vectorSum!: string;
  @Column({ name: 'member_count', type: 'integer' }) memberCount!: number;
  @Column({ name: 'media_member_count', type: 'integer' }) mediaMemberCount!: number;
  @Column({ name: 'category_id', type: 'integer', nullable: true }) categoryId!: number | null;
  @Column({ name: 'first_seen_at', type: 'datetime', precision: 3 }) firstSeenAt!: Date;
  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 }) lastSeenAt!: Date;
  @Column({ type: 'varchar', length: 16 }) stage!: string;
  @Column({ name: 'stage_at', type: 'datetime', precision: 3, nullable: true }) stageAt!: Date | null;
  @Column({ name: 'trend_id', type: 'integer', nullable: true }) trendId!: number | null;
  @Column({ name: 'representative_article_id', type: 'integer', nullable: true }) representativeArticleId!: number | null;
  @Column({ name: 'representative_score', type: 'double', nullable: true, transformer: numeric }) representativeScore!: number | null;
  @Column({ type: 'text' }) terms!: string;
  @Column({ name: 'merged_into', type: 'integer', nullable: true }) mergedInto!: number | null;
  /** The second part of the cluster (members nearer it than the rest): its vector sum, members and terms. */
  @Column({ name: 'split_sum', type: 'text', nullable: true }) splitSum!: string | null;
  @Column({ name: 'split_count', type: 'integer', default: 0 }) splitCount!: number;
  @Column({ name: 'split_terms', type: 'text', nullable: true }) splitTerms!: string | null;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) seq!: number;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 }) updatedAt!: Date;
}

/** The one cluster an article belongs to. */
@Entity({ name: 'trend_member' })
export class TrendMemberEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'cluster_id', type: 'integer' }) clusterId!: number;
  @Column({ name: 'article_id', type: 'integer' }) articleId!: number;
  @Column({ type: 'double', transformer: numeric }) similarity!: number;
  @Column({ name: 'has_media', type: 'boolean' }) hasMedia!: boolean;
  @Column({ name: 'event_at', type: 'datetime', precision: 3 }) eventAt!: Date;
  @Column({ name: 'assigned_at', type: 'datetime', precision: 3 }) assignedAt!: Date;
  /** Which part of its cluster the member joined (0 the main one, 1 the second): a split moves part 1. */
  @Column({ type: 'smallint', default: 0 }) part!: number;
}

/** Articles of a cluster in one time bin (event time). */
@Entity({ name: 'trend_bin' })
export class TrendBinEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'cluster_id', type: 'integer' }) clusterId!: number;
  @Column({ name: 'bin_start', type: 'datetime', precision: 3 }) binStart!: Date;
  @Column({ name: 'bin_seconds', type: 'integer' }) binSeconds!: number;
  @Column({ type: 'integer' }) articles!: number;
}

/** A lifecycle step of a cluster (new -> emerging -> peaking -> fading), once per (cluster, stage, bin). */
@Entity({ name: 'trend_transition' })
export class TrendTransitionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'cluster_id', type: 'integer' }) clusterId!: number;
  @Column({ name: 'trend_id', type: 'integer', nullable: true }) trendId!: number | null;
  @Column({ name: 'from_stage', type: 'varchar', length: 16 }) fromStage!: string;
  @Column({ name: 'to_stage', type: 'varchar', length: 16 }) toStage!: string;
  @Column({ name: 'bin_start', type: 'datetime', precision: 3 }) binStart!: Date;
  @Column({ name: 'event_at', type: 'datetime', precision: 3 }) eventAt!: Date;
  @Column({ type: 'double', transformer: numeric }) score!: number;
  @Column({ type: 'double', transformer: numeric }) growth!: number;
  @Column({ name: 'window_start', type: 'datetime', precision: 3 }) windowStart!: Date;
  @Column({ name: 'window_end', type: 'datetime', precision: 3 }) windowEnd!: Date;
  @Column({ type: 'varchar', length: 1000 }) text!: string;
  @Column({ name: 'event_id', type: 'varchar', length: 128, nullable: true }) eventId!: string | null;
  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true }) publishedAt!: Date | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt!: Date;
}

/** Two clusters found to be one topic (`merge`: from joins to) or one grown into two (`split`). */
@Entity({ name: 'trend_edge' })
export class TrendEdgeEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 16 }) kind!: string;
  @Column({ name: 'from_cluster_id', type: 'integer' }) fromClusterId!: number;
  @Column({ name: 'to_cluster_id', type: 'integer' }) toClusterId!: number;
  @Column({ type: 'double', transformer: numeric }) similarity!: number;
  @Column({ name: 'event_at', type: 'datetime', precision: 3 }) eventAt!: Date;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt!: Date;
}

export const trendClusterEntities = [TrendSpaceEntity, TrendClusterEntity, TrendMemberEntity, TrendBinEntity, TrendTransitionEntity, TrendEdgeEntity];
