import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numeric } from '../database/column-transformers.js';

/** One fetch of an external trend source, failed ones included. */
@Entity({ name: 'external_trend_snapshot' })
export class ExternalTrendSnapshotEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 64 }) source!: string;
  @Column({ type: 'varchar', length: 16 }) region!: string;
  @Column({ name: 'fetched_at', type: 'datetime', precision: 3 }) fetchedAt!: Date;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) error!: string | null;
  @Column({ name: 'item_count', type: 'integer' }) itemCount!: number;
  @Column({ name: 'stand_in', type: 'boolean' }) standIn!: boolean;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt!: Date;
}

@Entity({ name: 'external_trend_item' })
export class ExternalTrendItemEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'snapshot_id', type: 'integer' }) snapshotId!: number;
  @Column({ type: 'integer' }) position!: number;
  @Column({ type: 'varchar', length: 255 }) term!: string;
  @Column({ type: 'varchar', length: 32, nullable: true }) traffic!: string | null;
  @Column({ name: 'traffic_min', type: 'integer', nullable: true }) trafficMin!: number | null;
  @Column({ type: 'double', nullable: true, transformer: numeric }) ratio!: number | null;
  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true }) startedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) detail!: string | null;
}

export const externalTrendEntities = [ExternalTrendSnapshotEntity, ExternalTrendItemEntity];
