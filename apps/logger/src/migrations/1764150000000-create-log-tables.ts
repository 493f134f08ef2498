import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Dialect-neutral (TypeORM Table API): the same migration runs on SQLite and MySQL/MariaDB. */
export class CreateLogTables1764150000000 implements MigrationInterface {
  name = 'CreateLogTables1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    const bigId = { name: 'id', type: mysql ? 'bigint' : 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const text = mysql ? 'mediumtext' : 'text';
    await queryRunner.createTable(
      new Table({
        name: 'event_log',
        columns: [
          bigId,
          { name: 'event_id', type: 'varchar', length: '128' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'producer', type: 'varchar', length: '64' },
          { name: 'correlation_id', type: 'varchar', length: '128' },
          { name: 'causation_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'received_at', type: 'datetime', precision: 3 },
          { name: 'stream_seq', type: 'bigint' },
          { name: 'payload', type: text },
        ],
        indices: [
          new TableIndex({ name: 'ux_event_log_event_id', columnNames: ['event_id'], isUnique: true }),
          new TableIndex({ name: 'ix_event_log_correlation', columnNames: ['correlation_id', 'occurred_at'] }),
          new TableIndex({ name: 'ix_event_log_subject_time', columnNames: ['subject', 'occurred_at'] }),
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'dead_letter_log',
        columns: [
          bigId,
          { name: 'event_id', type: 'varchar', length: '128' },
          { name: 'original_subject', type: 'varchar', length: '255' },
          { name: 'original_event_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'correlation_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'consumer', type: 'varchar', length: '128' },
          { name: 'handler', type: 'varchar', length: '255' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'error', type: 'text' },
          { name: 'attempts', type: 'int' },
          { name: 'failed_at', type: 'datetime', precision: 3 },
          { name: 'raw', type: text },
        ],
        indices: [
          new TableIndex({ name: 'ux_dead_letter_log_event_id', columnNames: ['event_id'], isUnique: true }),
          new TableIndex({ name: 'ix_dead_letter_log_subject_time', columnNames: ['original_subject', 'failed_at'] }),
          new TableIndex({ name: 'ix_dead_letter_log_correlation', columnNames: ['correlation_id'] }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('dead_letter_log', true);
    await queryRunner.dropTable('event_log', true);
  }
}
