import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * The outside world's trends of the day (Google Trends "trending now", Naver DataLab): one
 * `external_trend_snapshot` per fetch (failed fetches too, with their error) and its items.
 */
export class ExternalTrend1796202000000 implements MigrationInterface {
  name = 'ExternalTrend1796202000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'external_trend_snapshot',
        columns: [
          c.id(),
          c.exact('source', 64),
          c.exact('region', 16),
          c.time('fetched_at'),
          c.text('status', 16),
          c.text('error', 1000, true),
          c.int('item_count'),
          c.bool('stand_in'),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_external_trend_snapshot', columnNames: ['source', 'region', 'fetched_at'], isUnique: true }),
          // "What was the outside world searching for that day": by time across sources.
          new TableIndex({ name: 'ix_external_trend_snapshot_time', columnNames: ['fetched_at', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'external_trend_item',
        columns: [
          c.id(),
          c.int('snapshot_id'),
          c.int('position'),
          c.text('term', 255),
          c.text('traffic', 32, true),
          c.int('traffic_min', true),
          c.double('ratio', true),
          c.time('started_at', true),
          // JSON: up to 3 news items [{title, url, source}] (Google) or the period ratios (Naver).
          c.longText('detail', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_external_trend_item', columnNames: ['snapshot_id', 'position'], isUnique: true }),
          new TableIndex({ name: 'ix_external_trend_item_term', columnNames: ['term'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['snapshot_id'], referencedTableName: 'external_trend_snapshot', referencedColumnNames: ['id'], onDelete: 'RESTRICT' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('external_trend_item');
    await queryRunner.dropTable('external_trend_snapshot');
  }
}
