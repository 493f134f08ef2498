import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A platform account the publisher uploads to; the row stays forever, like the videos it holds. */
@Entity({ name: 'channel' })
export class ChannelEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  platform!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId!: string | null;

  /** active, paused (until `pausedUntil`), disabled (a person must act: `reason` says what). */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'paused_until', type: 'datetime', precision: 3, nullable: true })
  pausedUntil!: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
