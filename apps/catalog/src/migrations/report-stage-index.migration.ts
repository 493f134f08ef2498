import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `ix_trend_transition_stage (trend_id, event_at, id, to_stage)`: the lineage report's stage at
 * publication (the `to_stage` of the trend's last transition at or before `published_at`, ties by
 * id) read from the index alone. With `(trend_id, event_at)` each report row also fetched the
 * transition's whole row (its text is up to 1,000 characters) by primary key: 100,000 lookups for
 * a 90-day report. The older index is a prefix of this one; it stays, as the trend stage's schema.
 */
export class ReportStageIndex1796206700000 implements MigrationInterface {
  name = 'ReportStageIndex1796206700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('trend_transition', new TableIndex({ name: 'ix_trend_transition_stage', columnNames: ['trend_id', 'event_at', 'id', 'to_stage'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('trend_transition', 'ix_trend_transition_stage');
  }
}
