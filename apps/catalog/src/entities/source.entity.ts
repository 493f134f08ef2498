import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'source' })
export class SourceEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The scraper's stable source id; the idempotency key of `catalog.source.upsert.v1`. */
  @Column({ name: 'source_key', type: 'varchar', length: 128 })
  key!: string;

  @Column({ type: 'varchar', length: 256 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  lang!: string | null;

  @Column({ name: 'default_category_id', type: 'integer', nullable: true })
  defaultCategoryId!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
