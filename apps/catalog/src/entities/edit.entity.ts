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

  @Column({ name: 'thumbnail_key', type: 'varchar', length: 512, nullable: true })
  thumbnailKey!: string | null;

  /** `heuristic`, or the model that planned the edit. */
  @Column({ type: 'varchar', length: 160, nullable: true })
  planner!: string | null;

  /** The edit decision list (EditDecisionListV1), as JSON. */
  @Column({ name: 'plan_json', type: 'text', nullable: true })
  planJson!: string | null;

  /** Every figure the QA gate measured, as JSON. */
  @Column({ name: 'qa_json', type: 'text', nullable: true })
  qaJson!: string | null;

  @Column({ type: 'double', nullable: true, transformer: numeric })
  lufs!: number | null;

  @Column({ name: 'true_peak_db', type: 'double', nullable: true, transformer: numeric })
  truePeakDb!: number | null;

  @Column({ name: 'av_drift_ms', type: 'double', nullable: true, transformer: numeric })
  avDriftMs!: number | null;
}
