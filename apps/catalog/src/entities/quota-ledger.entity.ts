import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

/** Units a channel drew from one quota bucket on one quota day (America/Los_Angeles). */
@Entity({ name: 'quota_ledger' })
export class QuotaLedgerEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'channel_id', type: 'integer' })
  channelId!: number;

  @Column({ name: 'quota_day', type: 'varchar', length: 10 })
  quotaDay!: string;

  @Column({ type: 'varchar', length: 32 })
  bucket!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  units!: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
