import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * Dated after ExternalTrend1796202000000 (the earlier migrations use round future stamps) so that it
 * runs and reverts in order after them.
 *
 * `video_job`: every job submitted to an AV model server, recorded before the stage waits for it,
 * one row per attempt of a part (0 = whole story, n = scene n). And on `video`: where the sound
 * came from (`narration_source`) and the frame the file has.
 */
export class VideoJob1796203000000 implements MigrationInterface {
  name = 'VideoJob1796203000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'video_job',
        columns: [
          c.id(),
          c.int('story_id'),
          c.text('model', 128),
          c.int('variant'),
          c.int('part'),
          c.int('attempt'),
          c.exact('job_id', 128),
          c.text('status', 16),
          c.text('error', 1000, true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ux_video_job_attempt', columnNames: ['story_id', 'model', 'variant', 'part', 'attempt'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ columnNames: ['story_id'], referencedTableName: 'story', referencedColumnNames: ['id'], onDelete: 'RESTRICT' })],
      }),
    );
    await queryRunner.addColumns('video', [
      new TableColumn(c.text('narration_source', 64, true)),
      new TableColumn(c.int('width', true)),
      new TableColumn(c.int('height', true)),
      new TableColumn(c.double('fps', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('video', ['fps', 'height', 'width', 'narration_source']);
    await queryRunner.dropTable('video_job');
  }
}
