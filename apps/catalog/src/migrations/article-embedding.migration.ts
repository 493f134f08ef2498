import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/** `article_embedding`: one row per (article, vector space) the embedder wrote. */
export class ArticleEmbedding1795692644271 implements MigrationInterface {
  name = 'ArticleEmbedding1795692644271';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'article_embedding',
        columns: [
          c.id(),
          c.int('article_id'),
          c.exact('space', 128),
          c.exact('model', 255),
          c.int('dim'),
          c.int('vectors'),
          c.int('failed_parts'),
          c.bool('stand_in'),
          c.time('embedded_at'),
          c.time('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_article_embedding_article_space', columnNames: ['article_id', 'space'], isUnique: true }),
          // Which articles a space holds, e.g. to re-embed them with a new model.
          new TableIndex({ name: 'ix_article_embedding_space', columnNames: ['space', 'article_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['article_id'], referencedTableName: 'article', referencedColumnNames: ['id'], onDelete: 'RESTRICT' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('article_embedding');
  }
}
