import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

/** Small facts about one article; its text is a file (`textKey`), never a column. */
@Entity({ name: 'article' })
export class ArticleEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'source_id', type: 'integer', nullable: true })
  sourceId!: number | null;

  @Column({ name: 'category_id', type: 'integer' })
  categoryId!: number;

  /** Canonical URL; too long for a unique index, so `urlHash` (sha256 of it) is the unique key. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'url_hash', type: 'varchar', length: 64 })
  urlHash!: string;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'key_facts', type: 'simple-json' })
  keyFacts!: string[];

  @Column({ type: 'varchar', length: 16, nullable: true })
  lang!: string | null;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'scraped_at', type: 'datetime', precision: 3 })
  scrapedAt!: Date;

  @Column({ name: 'text_key', type: 'varchar', length: 512, nullable: true })
  textKey!: string | null;

  @Column({ name: 'text_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  textBytes!: number | null;

  @Column({ name: 'text_sha256', type: 'varchar', length: 64, nullable: true })
  textSha256!: string | null;

  @Column({ name: 'content_hash', type: 'varchar', length: 128 })
  contentHash!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** When its article.stored event was in the stream (set by the scraper after the publish ack). */
  @Column({ name: 'announced_at', type: 'datetime', precision: 3, nullable: true })
  announcedAt?: Date | null;
}
