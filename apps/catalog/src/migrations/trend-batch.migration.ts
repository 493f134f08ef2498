import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * Splits, and fading on a clock:
 * - `trend_cluster.split_sum/split_count/split_terms`: the second part of a cluster (the members
 *   nearer it than the rest), and `trend_member.part`, which part a member joined; when the two
 *   parts drift apart the second becomes a new cluster (a `split` edge).
 * - `trend_space.watermark_at/watermark_set_at`: the latest event time of the space and when it
 *   was reached, the event clock the periodic sweep judges live trends at.
 * - `ix_trend_cluster_stage`: the live trends (emerging, peaking) the sweep reads.
 */
export class TrendBatch1796206600000 implements MigrationInterface {
  name = 'TrendBatch1796206600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.addColumns('trend_cluster', [
      new TableColumn(c.longText('split_sum', true)),
      new TableColumn({ ...c.int('split_count'), default: 0 }),
      new TableColumn(c.longText('split_terms', true)),
    ]);
    await queryRunner.addColumn('trend_member', new TableColumn({ ...c.smallint('part'), default: 0 }));
    await queryRunner.addColumns('trend_space', [new TableColumn(c.time('watermark_at', true)), new TableColumn(c.time('watermark_set_at', true))]);
    await queryRunner.createIndex('trend_cluster', new TableIndex({ name: 'ix_trend_cluster_stage', columnNames: ['stage', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('trend_cluster', 'ix_trend_cluster_stage');
    await queryRunner.dropColumns('trend_space', ['watermark_at', 'watermark_set_at']);
    await queryRunner.dropColumn('trend_member', 'part');
    await queryRunner.dropColumns('trend_cluster', ['split_sum', 'split_count', 'split_terms']);
  }
}
