import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One holder's hold on a file; a release moves `heldUntil` to the release time (rows are never deleted). */
@Entity({ name: 'file_hold' })
export class FileHoldEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'file_id', type: 'integer' })
  fileId!: number;

  @Column({ type: 'varchar', length: 128 })
  holder!: string;

  @Column({ name: 'held_until', type: 'datetime', precision: 3 })
  heldUntil!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
