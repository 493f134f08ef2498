import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * What the editor decided and measured, on the edit row: the thumbnail's key, the planner (`heuristic`
 * or a model), the plan (the edit decision list, JSON) and the QA gate's figures (JSON, with the
 * three a reader filters on as columns: integrated loudness, true peak, audio/video drift).
 * Nullable: edits recorded before this migration have none.
 */
export class EditQa1795989329366 implements MigrationInterface {
  name = 'EditQa1795989329366';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.addColumns('edit', [
      new TableColumn(c.exact('thumbnail_key', 512, true)),
      new TableColumn(c.text('planner', 160, true)),
      new TableColumn(c.longText('plan_json', true)),
      new TableColumn(c.longText('qa_json', true)),
      new TableColumn(c.double('lufs', true)),
      new TableColumn(c.double('true_peak_db', true)),
      new TableColumn(c.double('av_drift_ms', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('edit', ['av_drift_ms', 'true_peak_db', 'lufs', 'qa_json', 'plan_json', 'planner', 'thumbnail_key']);
  }
}
