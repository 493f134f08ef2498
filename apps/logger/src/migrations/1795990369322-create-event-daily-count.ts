import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The funnel's per-day counts (dialect-neutral). */
export class CreateEventDailyCount1795990369322 implements MigrationInterface {
  name = 'CreateEventDailyCount1795990369322';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'event_daily_count',
        columns: [
          { name: 'day', type: 'varchar', length: '10', isPrimary: true },
          { name: 'subject', type: 'varchar', length: '255', isPrimary: true },
          { name: 'count', type: 'bigint' },
          { name: 'counted_at', type: 'datetime', precision: 3 },
        ],
      }),
      true,
    );
    // Dead letters per day for the funnel (the existing index leads with the subject).
    await queryRunner.createIndex('dead_letter_log', new TableIndex({ name: 'ix_dead_letter_log_failed_at', columnNames: ['failed_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('dead_letter_log', 'ix_dead_letter_log_failed_at');
    await queryRunner.dropTable('event_daily_count', true);
  }
}
