import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * What a story writer records beside the script: the prompt template (id and version), why this
 * article was chosen, the model's token usage, latency and finish reason. Nullable: rows written
 * before (and writers that do not say) have none.
 */
export class StoryRecord1796204000000 implements MigrationInterface {
  name = 'StoryRecord1796204000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.addColumns('story', [
      new TableColumn(c.text('template_id', 128, true)),
      new TableColumn(c.int('template_version', true)),
      new TableColumn(c.text('article_reason', 256, true)),
      new TableColumn(c.int('prompt_tokens', true)),
      new TableColumn(c.int('completion_tokens', true)),
      new TableColumn(c.int('latency_ms', true)),
      new TableColumn(c.text('finish_reason', 32, true)),
      new TableColumn(c.int('repairs', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('story', ['repairs', 'finish_reason', 'latency_ms', 'completion_tokens', 'prompt_tokens', 'article_reason', 'template_version', 'template_id']);
  }
}
