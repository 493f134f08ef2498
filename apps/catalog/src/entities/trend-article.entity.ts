import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Which stored articles a trend was seen in. */
@Entity({ name: 'trend_article' })
export class TrendArticleEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'trend_id', type: 'integer' })
  trendId!: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId!: number;
}
