import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One job on an AV model server (one attempt of one part of a story's video). */
@Entity({ name: 'video_job' })
export class VideoJobEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'story_id', type: 'integer' })
  storyId!: number;

  @Column({ type: 'varchar', length: 128 })
  model!: string;

  @Column({ type: 'integer' })
  variant!: number;

  @Column({ type: 'integer' })
  part!: number;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'job_id', type: 'varchar', length: 128 })
  jobId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
