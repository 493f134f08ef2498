import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

/**
 * The trend stage's state, kept by the catalog so that replicas and restarts share it:
 * clusters with ids that never change (`trend_cluster`), one membership per article
 * (`trend_member`), per-bin counts (`trend_bin`), lifecycle transitions (`trend_transition`),
 * merge/split edges (`trend_edge`), and the assignment sequence per vector space (`trend_space`).
 */
export class TrendCluster1796201000000 implements MigrationInterface {
  name = 'TrendCluster1796201000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    const fk = (column: string, table: string) =>
      new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'RESTRICT' });
    await queryRunner.createTable(
      new Table({
        name: 'trend_space',
        columns: [c.id(), c.exact('space', 128), c.int('dim'), c.bigint('seq'), c.time('updated_at')],
        indices: [new TableIndex({ name: 'uq_trend_space_space', columnNames: ['space'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trend_cluster',
        columns: [
          c.id(),
          c.exact('space', 128),
          c.int('dim'),
          // The sum of the member vectors as little-endian float32, base64: the centroid is its direction.
          c.longText('vector_sum'),
          c.int('member_count'),
          c.int('media_member_count'),
          c.int('category_id', true),
          c.time('first_seen_at'),
          c.time('last_seen_at'),
          c.text('stage', 16),
          c.time('stage_at', true),
          c.int('trend_id', true),
          c.int('representative_article_id', true),
          c.double('representative_score', true),
          // JSON: [[term, documents], ...], the most frequent label terms of the members (capped).
          c.longText('terms'),
          c.int('merged_into', true),
          c.bigint('seq'),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          // Live clusters of a space (the candidates an article is compared with).
          new TableIndex({ name: 'ix_trend_cluster_live', columnNames: ['space', 'last_seen_at'] }),
          // What changed since a replica last read (its cache is refreshed by sequence).
          new TableIndex({ name: 'ix_trend_cluster_seq', columnNames: ['space', 'seq'] }),
          new TableIndex({ name: 'ix_trend_cluster_trend', columnNames: ['trend_id'] }),
        ],
        foreignKeys: [fk('category_id', 'category'), fk('trend_id', 'trend'), fk('representative_article_id', 'article')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trend_member',
        columns: [
          c.id(),
          c.int('cluster_id'),
          c.int('article_id'),
          c.double('similarity'),
          c.bool('has_media'),
          c.time('event_at'),
          c.time('assigned_at'),
        ],
        indices: [
          // One cluster per article: the assignment is idempotent on the article.
          new TableIndex({ name: 'uq_trend_member_article', columnNames: ['article_id'], isUnique: true }),
          new TableIndex({ name: 'ix_trend_member_cluster_time', columnNames: ['cluster_id', 'event_at'] }),
        ],
        foreignKeys: [fk('cluster_id', 'trend_cluster'), fk('article_id', 'article')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trend_bin',
        columns: [c.id(), c.int('cluster_id'), c.time('bin_start'), c.int('bin_seconds'), c.int('articles')],
        indices: [new TableIndex({ name: 'uq_trend_bin_cluster_bin', columnNames: ['cluster_id', 'bin_seconds', 'bin_start'], isUnique: true })],
        foreignKeys: [fk('cluster_id', 'trend_cluster')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trend_transition',
        columns: [
          c.id(),
          c.int('cluster_id'),
          c.int('trend_id', true),
          c.text('from_stage', 16),
          c.text('to_stage', 16),
          c.time('bin_start'),
          c.time('event_at'),
          c.double('score'),
          c.double('growth'),
          c.time('window_start'),
          c.time('window_end'),
          c.text('text', 1000),
          c.exact('event_id', 128, true),
          c.time('published_at', true),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_trend_transition', columnNames: ['cluster_id', 'to_stage', 'bin_start'], isUnique: true }),
          // The report's question: which trends were live on a day.
          new TableIndex({ name: 'ix_trend_transition_time', columnNames: ['event_at', 'id'] }),
          new TableIndex({ name: 'ix_trend_transition_trend', columnNames: ['trend_id', 'event_at'] }),
        ],
        foreignKeys: [fk('cluster_id', 'trend_cluster'), fk('trend_id', 'trend')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trend_edge',
        columns: [c.id(), c.text('kind', 16), c.int('from_cluster_id'), c.int('to_cluster_id'), c.double('similarity'), c.time('event_at'), c.time('created_at')],
        indices: [
          new TableIndex({ name: 'uq_trend_edge', columnNames: ['kind', 'from_cluster_id', 'to_cluster_id'], isUnique: true }),
          new TableIndex({ name: 'ix_trend_edge_to', columnNames: ['to_cluster_id'] }),
        ],
        foreignKeys: [fk('from_cluster_id', 'trend_cluster'), fk('to_cluster_id', 'trend_cluster')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['trend_edge', 'trend_transition', 'trend_bin', 'trend_member', 'trend_cluster', 'trend_space']) await queryRunner.dropTable(table);
  }
}
