import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

/** Views of a publication on one day, from the platform's analytics (kept as first stored). */
@Entity({ name: 'metric_daily' })
export class MetricDailyEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'publication_id', type: 'integer' })
  publicationId!: number;

  @Column({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  views!: number;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'captured_at', type: 'datetime', precision: 3 })
  capturedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
