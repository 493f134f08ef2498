import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Events per subject per UTC day, for the console's funnel: a finished day is counted once from
 * the event log's (subject, occurred_at) index and kept here, so a page never counts a year of rows.
 */
@Entity({ name: 'event_daily_count' })
export class EventDailyCountEntity {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'bigint' })
  count!: number;

  /** When the count was taken; a day counted soon after it ended is counted again (late events). */
  @Column({ name: 'counted_at', type: 'datetime', precision: 3 })
  countedAt!: Date;
}
