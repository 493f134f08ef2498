import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

/**
 * The file registry retention plans from. A purged file keeps its row (`purgedAt`); `evictRank`
 * is the eviction class (0 published video, 1 scraped) and null when the file may not be evicted
 * (unpublished generated video, other, already purged), so the planner's index holds candidates only.
 */
@Entity({ name: 'file_registry' })
export class RegisteredFileEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'file_key', type: 'varchar', length: 512 })
  key!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  bytes!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 128, nullable: true })
  contentType!: string | null;

  @Column({ name: 'file_class', type: 'varchar', length: 32 })
  fileClass!: string;

  @Column({ name: 'evict_rank', type: 'smallint', nullable: true })
  evictRank!: number | null;

  @Column({ name: 'article_id', type: 'integer', nullable: true })
  articleId!: number | null;

  @Column({ name: 'held_until', type: 'datetime', precision: 3, nullable: true })
  heldUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'purged_at', type: 'datetime', precision: 3, nullable: true })
  purgedAt!: Date | null;

  @Column({ name: 'purge_reason', type: 'varchar', length: 16, nullable: true })
  purgeReason!: string | null;
}
