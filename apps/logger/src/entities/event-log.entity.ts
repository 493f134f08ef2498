import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per pipeline event, kept for evaluation; never updated. */
@Entity({ name: 'event_log' })
@Index('ux_event_log_event_id', ['eventId'], { unique: true })
@Index('ix_event_log_correlation', ['correlationId', 'occurredAt'])
@Index('ix_event_log_subject_time', ['subject', 'occurredAt'])
export class EventLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'varchar', length: 64 })
  producer!: string;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128 })
  correlationId!: string;

  @Column({ name: 'causation_id', type: 'varchar', length: 128, nullable: true })
  causationId!: string | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt!: Date;

  @Column({ name: 'stream_seq', type: 'bigint' })
  streamSeq!: number;

  @Column({ type: 'text' })
  payload!: string;
}
