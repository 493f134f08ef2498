import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';
import { dialectOf, refreshPublicationViewsRange } from '../report-views.js';

/**
 * `publication_views`: per publication, its views at +1 h, +24 h, +7 d and the latest snapshot with
 * the snapshot count, kept by the snapshot writer (see report-views.ts); the lineage report reads it
 * instead of walking every snapshot. Backfilled from the existing snapshots, 5,000 publications
 * per statement so no statement holds locks for long.
 */
export class PublicationViews1796206500000 implements MigrationInterface {
  name = 'PublicationViews1796206500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'publication_views',
        columns: [
          { ...c.int('publication_id'), isPrimary: true },
          c.int('snapshots'),
          c.bigint('views_1h', true),
          c.bigint('views_24h', true),
          c.bigint('views_7d', true),
          c.bigint('views_latest', true),
          c.time('latest_at', true),
          c.text('metric_source', 32, true),
          c.time('updated_at'),
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['publication_id'], referencedTableName: 'publication', referencedColumnNames: ['id'], onDelete: 'RESTRICT' })],
      }),
    );
    const [range] = (await queryRunner.query('SELECT MIN(publication_id) AS lo, MAX(publication_id) AS hi FROM metric_snapshot')) as { lo: unknown; hi: unknown }[];
    if (range?.lo === null || range?.lo === undefined) return;
    const dialect = dialectOf(queryRunner.connection.driver.options.type);
    for (let first = Number(range.lo); first <= Number(range.hi); first += 5000) {
      await refreshPublicationViewsRange(queryRunner, dialect, first, first + 4999);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('publication_views', true, true, true);
  }
}
