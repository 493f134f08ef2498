import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

@Entity({ name: 'metric_snapshot' })
export class MetricSnapshotEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'publication_id', type: 'integer' })
  publicationId!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  views!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  likes!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  comments!: number;

  @Column({ name: 'captured_at', type: 'datetime', precision: 3 })
  capturedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** The schedule slot this snapshot was taken for (null for snapshots taken outside a schedule). */
  @Column({ name: 'slot_at', type: 'datetime', precision: 3, nullable: true })
  slotAt?: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  source?: string | null;
}
