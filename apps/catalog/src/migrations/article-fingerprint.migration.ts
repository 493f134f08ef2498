import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * `article_fingerprint`: one SimHash per article, so near-duplicates are linked across runs. Each
 * 16-bit band has its own index: a lookup is four exact index probes (OR-ed), never a full scan.
 */
export class ArticleFingerprint1796000000000 implements MigrationInterface {
  name = 'ArticleFingerprint1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'article_fingerprint',
        columns: [
          { ...c.int('article_id'), isPrimary: true },
          c.exact('simhash', 16),
          c.int('band0'),
          c.int('band1'),
          c.int('band2'),
          c.int('band3'),
          c.time('created_at'),
        ],
        indices: [0, 1, 2, 3].map((i) => new TableIndex({ name: `ix_article_fingerprint_band${i}`, columnNames: [`band${i}`] })),
        foreignKeys: [
          new TableForeignKey({ columnNames: ['article_id'], referencedTableName: 'article', referencedColumnNames: ['id'], onDelete: 'RESTRICT' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('article_fingerprint');
  }
}
