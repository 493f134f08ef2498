import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'story' })
export class StoryEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'trend_id', type: 'integer' })
  trendId!: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId!: number;

  @Column({ type: 'varchar', length: 128 })
  model!: string;

  @Column({ name: 'stand_in', type: 'boolean' })
  standIn!: boolean;

  @Column({ type: 'integer' })
  variant!: number;

  @Column({ name: 'text_key', type: 'varchar', length: 512 })
  textKey!: string;

  @Column({ name: 'prompt_key', type: 'varchar', length: 512, nullable: true })
  promptKey!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
