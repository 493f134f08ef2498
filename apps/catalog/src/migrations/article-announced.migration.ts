import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * (Named after the catalog migrations before it, whose timestamps run ahead of the clock: TypeORM
 * orders by the name, and this one must come last.)
 *
 * `article.announced_at`: when the article's `pipeline.article.stored.v1` was in the stream. The
 * scraper sets it after the publish is acked and never finishes an announced article again, so a
 * re-run long after JetStream's duplicate window announces nothing twice. Rows that already have
 * their text were announced by the code before this column: they get their creation time.
 */
export class ArticleAnnounced1796205000000 implements MigrationInterface {
  name = 'ArticleAnnounced1796205000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.addColumn('article', new TableColumn(c.time('announced_at', true)));
    await queryRunner.query('UPDATE article SET announced_at = created_at WHERE text_key IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('article', 'announced_at');
  }
}
