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

  @Column({ name: 'template_id', type: 'varchar', length: 128, nullable: true })
  templateId!: string | null;

  @Column({ name: 'template_version', type: 'integer', nullable: true })
  templateVersion!: number | null;

  @Column({ name: 'article_reason', type: 'varchar', length: 256, nullable: true })
  articleReason!: string | null;

  @Column({ name: 'prompt_tokens', type: 'integer', nullable: true })
  promptTokens!: number | null;

  @Column({ name: 'completion_tokens', type: 'integer', nullable: true })
  completionTokens!: number | null;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'finish_reason', type: 'varchar', length: 32, nullable: true })
  finishReason!: string | null;

  @Column({ type: 'integer', nullable: true })
  repairs!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
