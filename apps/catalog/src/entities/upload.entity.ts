import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers.js';

/** One upload of an edit to a platform: the channel chosen once, the resumable session, the platform's id. */
@Entity({ name: 'upload' })
export class UploadEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'edit_id', type: 'integer' })
  editId!: number;

  @Column({ type: 'varchar', length: 32 })
  platform!: string;

  @Column({ name: 'channel_id', type: 'integer' })
  channelId!: number;

  @Column({ name: 'session_uri', type: 'varchar', length: 2048, nullable: true })
  sessionUri!: string | null;

  /** Sessions opened for this upload (more than one only when a session expired). */
  @Column({ type: 'integer' })
  sessions!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  bytes!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
