import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * `media.status` and `media.error`: a row without a file could be waiting for its download or have
 * failed it for good (a bomb, an undecodable image, a refused address). The status tells them apart
 * (null = pending, `stored`, `failed`, `skipped`) and the error says why, for whoever looks later.
 */
export class MediaStatus1796100000000 implements MigrationInterface {
  name = 'MediaStatus1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    await queryRunner.addColumns('media', [new TableColumn(c.text('status', 16, true)), new TableColumn(c.text('error', 1000, true))]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('media', ['error', 'status']);
  }
}
