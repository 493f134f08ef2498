import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'publication' })
export class PublicationEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'edit_id', type: 'integer' })
  editId!: number;

  @Column({ type: 'varchar', length: 32 })
  platform!: string;

  @Column({ type: 'varchar', length: 128 })
  account!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 256 })
  externalId!: string;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url!: string | null;

  @Column({ name: 'published_at', type: 'datetime', precision: 3 })
  publishedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  // Added by the publisher migration; optional so older writers need not name them.
  @Column({ name: 'channel_id', type: 'integer', nullable: true })
  channelId?: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title?: string | null;

  @Column({ name: 'privacy_status', type: 'varchar', length: 16, nullable: true })
  privacyStatus?: string | null;

  @Column({ name: 'upload_status', type: 'varchar', length: 16, nullable: true })
  uploadStatus?: string | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 64, nullable: true })
  rejectionReason?: string | null;

  @Column({ name: 'status_checked_at', type: 'datetime', precision: 3, nullable: true })
  statusCheckedAt?: Date | null;
}
