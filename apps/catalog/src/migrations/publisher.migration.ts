import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

function fk(column: string, table: string): TableForeignKey {
  return new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'RESTRICT' });
}

/**
 * The publisher's and metrics stage's rows: `channel` (one per platform account, with its state),
 * `quota_ledger` (units per channel, quota day and bucket), `upload` (one per edit and platform:
 * the channel chosen once, the resumable session URI kept before the first byte, the platform's id),
 * `metric_daily` (analytics views per day); and columns on `publication` (channel row, title,
 * privacy and processing status as read back) and `metric_snapshot` (schedule slot, source).
 */
export class PublisherTables1796204803249 implements MigrationInterface {
  name = 'PublisherTables1796204803249';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'channel',
        columns: [
          c.id(),
          c.exact('platform', 32),
          c.exact('name', 128),
          c.exact('external_id', 64, true),
          c.text('status', 16),
          c.time('paused_until', true),
          c.text('reason', 1000, true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'uq_channel_platform_name', columnNames: ['platform', 'name'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'quota_ledger',
        columns: [c.id(), c.int('channel_id'), c.text('quota_day', 10), c.text('bucket', 32), c.bigint('units'), c.time('updated_at')],
        indices: [new TableIndex({ name: 'uq_quota_ledger_day', columnNames: ['channel_id', 'quota_day', 'bucket'], isUnique: true })],
        foreignKeys: [fk('channel_id', 'channel')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upload',
        columns: [
          c.id(),
          c.int('edit_id'),
          c.exact('platform', 32),
          c.int('channel_id'),
          c.exact('session_uri', 2048, true),
          c.int('sessions'),
          c.text('status', 16),
          c.exact('external_id', 64, true),
          c.bigint('bytes', true),
          c.sha256('sha256', true),
          c.text('error', 1000, true),
          c.time('started_at'),
          c.time('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_upload_edit_platform', columnNames: ['edit_id', 'platform'], isUnique: true }),
          new TableIndex({ name: 'ix_upload_channel', columnNames: ['channel_id', 'started_at'] }),
        ],
        foreignKeys: [fk('edit_id', 'edit'), fk('channel_id', 'channel')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'metric_daily',
        columns: [c.id(), c.int('publication_id'), c.text('day', 10), c.bigint('views'), c.text('source', 32), c.time('captured_at'), c.time('created_at')],
        indices: [new TableIndex({ name: 'uq_metric_daily_day', columnNames: ['publication_id', 'day'], isUnique: true })],
        foreignKeys: [fk('publication_id', 'publication')],
      }),
    );
    await queryRunner.addColumns('publication', [
      new TableColumn(c.int('channel_id', true)),
      new TableColumn(c.text('title', 200, true)),
      new TableColumn(c.text('privacy_status', 16, true)),
      new TableColumn(c.text('upload_status', 16, true)),
      new TableColumn(c.text('rejection_reason', 64, true)),
      new TableColumn(c.time('status_checked_at', true)),
    ]);
    // The index first, so MySQL uses it for the foreign key instead of making one of its own.
    await queryRunner.createIndex('publication', new TableIndex({ name: 'ix_publication_channel', columnNames: ['channel_id', 'published_at'] }));
    await queryRunner.createForeignKey('publication', fk('channel_id', 'channel'));
    await queryRunner.addColumns('metric_snapshot', [new TableColumn(c.time('slot_at', true)), new TableColumn(c.text('source', 32, true))]);
    await queryRunner.createIndex('metric_snapshot', new TableIndex({ name: 'uq_metric_snapshot_slot', columnNames: ['publication_id', 'slot_at'], isUnique: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('metric_snapshot', 'uq_metric_snapshot_slot');
    await queryRunner.dropColumns('metric_snapshot', ['source', 'slot_at']);
    const publication = await queryRunner.getTable('publication');
    const channelFk = publication?.foreignKeys.find((f) => f.columnNames.includes('channel_id'));
    if (channelFk) await queryRunner.dropForeignKey('publication', channelFk);
    await queryRunner.dropIndex('publication', 'ix_publication_channel');
    await queryRunner.dropColumns('publication', ['status_checked_at', 'rejection_reason', 'upload_status', 'privacy_status', 'title', 'channel_id']);
    for (const name of ['metric_daily', 'upload', 'quota_ledger', 'channel']) await queryRunner.dropTable(name, true, true, true);
  }
}
