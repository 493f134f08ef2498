import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numeric } from '../database/column-transformers.js';

/** A generated video: one MP4 with its sound track, as the AV model produced it. */
@Entity({ name: 'video' })
export class VideoEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'story_id', type: 'integer' })
  storyId!: number;

  @Column({ type: 'varchar', length: 128 })
  model!: string;

  @Column({ name: 'stand_in', type: 'boolean' })
  standIn!: boolean;

  @Column({ type: 'integer' })
  variant!: number;

  @Column({ name: 'file_key', type: 'varchar', length: 512 })
  fileKey!: string;

  @Column({ name: 'duration_s', type: 'double', transformer: numeric })
  durationS!: number;

  @Column({ name: 'has_audio', type: 'boolean' })
  hasAudio!: boolean;

  /** `model`, `speech:<model>` or `espeak-ng:<voice>`; null for rows from before it was recorded. */
  @Column({ name: 'narration_source', type: 'varchar', length: 64, nullable: true })
  narrationSource!: string | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ type: 'double', nullable: true, transformer: numeric })
  fps!: number | null;

  @Column({ name: 'generated_at', type: 'datetime', precision: 3 })
  generatedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
