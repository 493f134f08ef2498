import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every dead letter: which handler gave up on which message, why, after how many attempts. */
@Entity({ name: 'dead_letter_log' })
@Index('ux_dead_letter_log_event_id', ['eventId'], { unique: true })
@Index('ix_dead_letter_log_subject_time', ['originalSubject', 'failedAt'])
@Index('ix_dead_letter_log_correlation', ['correlationId'])
@Index('ix_dead_letter_log_failed_at', ['failedAt'])
export class DeadLetterLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Id of the dead-letter envelope (unique: a redelivered dead letter is stored once). */
  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'original_subject', type: 'varchar', length: 255 })
  originalSubject!: string;

  @Column({ name: 'original_event_id', type: 'varchar', length: 128, nullable: true })
  originalEventId!: string | null;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128, nullable: true })
  correlationId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  consumer!: string;

  @Column({ type: 'varchar', length: 255 })
  handler!: string;

  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  @Column({ type: 'text' })
  error!: string;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'failed_at', type: 'datetime', precision: 3 })
  failedAt!: Date;

  @Column({ type: 'text' })
  raw!: string;
}
