import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numeric } from '../database/column-transformers.js';

@Entity({ name: 'edit' })
export class EditEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'video_id', type: 'integer' })
  videoId!: number;

  @Column({ type: 'varchar', length: 128 })
  editor!: string;

  @Column({ name: 'stand_in', type: 'boolean' })
  standIn!: boolean;

  @Column({ name: 'platform_profile', type: 'varchar', length: 64 })
  platformProfile!: string;

  @Column({ name: 'file_key', type: 'varchar', length: 512 })
  fileKey!: string;

  @Column({ name: 'duration_s', type: 'double', transformer: numeric })
  durationS!: number;

  @Column({ name: 'edited_at', type: 'datetime', precision: 3 })
  editedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
