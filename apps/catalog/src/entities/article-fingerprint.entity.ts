import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An article's 64-bit SimHash, with its four 16-bit bands as indexed columns so a near-duplicate
 * lookup reads a few candidate rows instead of every fingerprint (see simhash-bands.ts).
 */
@Entity({ name: 'article_fingerprint' })
export class ArticleFingerprintEntity {
  @PrimaryColumn({ name: 'article_id', type: 'integer' })
  articleId!: number;

  /** 16 lowercase hex digits. */
  @Column({ type: 'varchar', length: 16 })
  simhash!: string;

  @Column({ type: 'integer' })
  band0!: number;

  @Column({ type: 'integer' })
  band1!: number;

  @Column({ type: 'integer' })
  band2!: number;

  @Column({ type: 'integer' })
  band3!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
