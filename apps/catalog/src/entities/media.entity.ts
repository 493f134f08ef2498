import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, numeric } from '../database/column-transformers.js';

@Entity({ name: 'media' })
export class MediaEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId!: number;

  /** image, video or embed. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'source_url', type: 'varchar', length: 2048 })
  sourceUrl!: string;

  @Column({ name: 'file_key', type: 'varchar', length: 512, nullable: true })
  fileKey!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  caption!: string | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ name: 'duration_s', type: 'double', nullable: true, transformer: numeric })
  durationS!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  bytes!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'content_type', type: 'varchar', length: 128, nullable: true })
  contentType!: string | null;

  /** null = pending (not tried yet), or one of MEDIA_STATUSES. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  status!: string | null;

  /** Why the item was not stored, for a `failed` row. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
