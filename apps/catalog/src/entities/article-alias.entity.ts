import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Another URL seen with the same content as an article: found by get-by-URL, never a second article. */
@Entity({ name: 'article_alias' })
export class ArticleAliasEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId!: number;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'url_hash', type: 'varchar', length: 64 })
  urlHash!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
