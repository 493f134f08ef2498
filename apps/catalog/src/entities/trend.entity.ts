import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numeric } from '../database/column-transformers.js';

@Entity({ name: 'trend' })
export class TrendEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** sha256 of (detector, window, text): the idempotency key. */
  @Column({ name: 'trend_hash', type: 'varchar', length: 64 })
  trendHash!: string;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @Column({ name: 'category_id', type: 'integer', nullable: true })
  categoryId!: number | null;

  @Column({ name: 'window_start', type: 'datetime', precision: 3 })
  windowStart!: Date;

  @Column({ name: 'window_end', type: 'datetime', precision: 3 })
  windowEnd!: Date;

  @Column({ type: 'double', transformer: numeric })
  score!: number;

  @Column({ type: 'varchar', length: 128 })
  detector!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
