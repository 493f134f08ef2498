import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** That an article's parts were embedded into one vector space, and with what outcome. */
@Entity({ name: 'article_embedding' })
export class ArticleEmbeddingEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId!: number;

  @Column({ type: 'varchar', length: 128 })
  space!: string;

  @Column({ type: 'varchar', length: 255 })
  model!: string;

  @Column({ type: 'integer' })
  dim!: number;

  @Column({ type: 'integer' })
  vectors!: number;

  @Column({ name: 'failed_parts', type: 'integer' })
  failedParts!: number;

  @Column({ name: 'stand_in', type: 'boolean' })
  standIn!: boolean;

  /** The first time; a repeat keeps it. */
  @Column({ name: 'embedded_at', type: 'datetime', precision: 3 })
  embeddedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
