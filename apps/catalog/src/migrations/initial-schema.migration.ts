import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationColumns } from '../database/migration-columns.js';

function fk(column: string, table: string): TableForeignKey {
  // Rows are never deleted, so a parent cannot go away under its children.
  return new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'RESTRICT' });
}

function unique(table: string, name: string, columns: string[]): TableIndex {
  return new TableIndex({ name: `uq_${table}_${name}`, columnNames: columns, isUnique: true });
}

function index(table: string, name: string, columns: string[]): TableIndex {
  return new TableIndex({ name: `ix_${table}_${name}`, columnNames: columns });
}

/** Every catalog table, written with TypeORM's dialect-neutral schema API (MySQL/MariaDB and SQLite). */
export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new MigrationColumns(queryRunner);
    const tables: Table[] = [
      new Table({
        name: 'category',
        columns: [c.id(), c.exact('slug', 32), c.text('name_ko', 64), c.text('name_en', 64), c.int('sort_order')],
        indices: [unique('category', 'slug', ['slug'])],
      }),
      new Table({
        name: 'source',
        columns: [
          c.id(),
          c.exact('source_key', 128),
          c.text('name', 256),
          c.text('kind', 32),
          c.text('base_url', 2048, true),
          c.text('lang', 16, true),
          c.int('default_category_id', true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [unique('source', 'key', ['source_key'])],
        foreignKeys: [fk('default_category_id', 'category')],
      }),
      new Table({
        name: 'article',
        columns: [
          c.id(),
          c.int('source_id', true),
          c.int('category_id'),
          c.text('url', 2048),
          c.sha256('url_hash'),
          c.text('title', 1000),
          c.longText('summary', true),
          c.longText('key_facts'),
          c.text('lang', 16, true),
          c.time('published_at', true),
          c.time('scraped_at'),
          c.exact('text_key', 512, true),
          c.bigint('text_bytes', true),
          c.sha256('text_sha256', true),
          c.exact('content_hash', 128),
          c.time('created_at'),
        ],
        indices: [
          unique('article', 'url_hash', ['url_hash']),
          unique('article', 'content_hash', ['content_hash']),
          index('article', 'category_scraped', ['category_id', 'scraped_at', 'id']),
          index('article', 'category_published', ['category_id', 'published_at', 'id']),
          index('article', 'scraped', ['scraped_at', 'id']),
          index('article', 'published', ['published_at', 'id']),
          index('article', 'source', ['source_id']),
        ],
        foreignKeys: [fk('source_id', 'source'), fk('category_id', 'category')],
      }),
      new Table({
        name: 'article_alias',
        columns: [c.id(), c.int('article_id'), c.text('url', 2048), c.sha256('url_hash'), c.time('created_at')],
        indices: [unique('article_alias', 'url_hash', ['url_hash']), index('article_alias', 'article', ['article_id'])],
        foreignKeys: [fk('article_id', 'article')],
      }),
      new Table({
        name: 'media',
        columns: [
          c.id(),
          c.int('article_id'),
          c.text('kind', 16),
          c.int('position'),
          c.text('source_url', 2048),
          c.exact('file_key', 512, true),
          c.text('caption', 1000, true),
          c.int('width', true),
          c.int('height', true),
          c.double('duration_s', true),
          c.bigint('bytes', true),
          c.sha256('sha256', true),
          c.text('content_type', 128, true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [unique('media', 'article_position', ['article_id', 'position']), index('media', 'file_key', ['file_key'])],
        foreignKeys: [fk('article_id', 'article')],
      }),
      new Table({
        name: 'trend',
        columns: [
          c.id(),
          c.sha256('trend_hash'),
          c.text('text', 1000),
          c.int('category_id', true),
          c.time('window_start'),
          c.time('window_end'),
          c.double('score'),
          c.text('detector', 128),
          c.time('created_at'),
        ],
        indices: [unique('trend', 'hash', ['trend_hash']), index('trend', 'window', ['window_start', 'id'])],
        foreignKeys: [fk('category_id', 'category')],
      }),
      new Table({
        name: 'trend_article',
        columns: [c.id(), c.int('trend_id'), c.int('article_id')],
        indices: [unique('trend_article', 'pair', ['trend_id', 'article_id']), index('trend_article', 'article', ['article_id'])],
        foreignKeys: [fk('trend_id', 'trend'), fk('article_id', 'article')],
      }),
      new Table({
        name: 'story',
        columns: [
          c.id(),
          c.int('trend_id'),
          c.int('article_id'),
          c.exact('model', 128),
          c.bool('stand_in'),
          c.int('variant'),
          c.exact('text_key', 512),
          c.exact('prompt_key', 512, true),
          c.time('created_at'),
        ],
        indices: [unique('story', 'natural', ['trend_id', 'article_id', 'model', 'variant']), index('story', 'article', ['article_id'])],
        foreignKeys: [fk('trend_id', 'trend'), fk('article_id', 'article')],
      }),
      new Table({
        name: 'video',
        columns: [
          c.id(),
          c.int('story_id'),
          c.exact('model', 128),
          c.bool('stand_in'),
          c.int('variant'),
          c.exact('file_key', 512),
          c.double('duration_s'),
          c.bool('has_audio'),
          c.time('generated_at'),
          c.time('created_at'),
        ],
        indices: [unique('video', 'natural', ['story_id', 'model', 'variant']), index('video', 'file_key', ['file_key'])],
        foreignKeys: [fk('story_id', 'story')],
      }),
      new Table({
        name: 'edit',
        columns: [
          c.id(),
          c.int('video_id'),
          c.exact('editor', 128),
          c.bool('stand_in'),
          c.exact('platform_profile', 64),
          c.exact('file_key', 512),
          c.double('duration_s'),
          c.time('edited_at'),
          c.time('created_at'),
        ],
        indices: [unique('edit', 'natural', ['video_id', 'editor', 'platform_profile']), index('edit', 'file_key', ['file_key'])],
        foreignKeys: [fk('video_id', 'video')],
      }),
      new Table({
        name: 'publication',
        columns: [
          c.id(),
          c.int('edit_id'),
          c.exact('platform', 32),
          c.text('account', 128),
          c.exact('external_id', 256),
          c.text('url', 2048, true),
          c.time('published_at'),
          c.time('created_at'),
        ],
        indices: [
          unique('publication', 'platform_external', ['platform', 'external_id']),
          index('publication', 'edit', ['edit_id']),
          index('publication', 'published', ['published_at', 'id']),
        ],
        foreignKeys: [fk('edit_id', 'edit')],
      }),
      new Table({
        name: 'metric_snapshot',
        columns: [c.id(), c.int('publication_id'), c.bigint('views'), c.bigint('likes'), c.bigint('comments'), c.time('captured_at'), c.time('created_at')],
        indices: [unique('metric_snapshot', 'captured', ['publication_id', 'captured_at'])],
        foreignKeys: [fk('publication_id', 'publication')],
      }),
      new Table({
        name: 'file_registry',
        columns: [
          c.id(),
          c.exact('file_key', 512),
          c.bigint('bytes'),
          c.sha256('sha256'),
          c.text('content_type', 128, true),
          c.text('file_class', 32),
          c.smallint('evict_rank', true),
          c.int('article_id', true),
          c.time('held_until', true),
          c.time('created_at'),
          c.time('purged_at', true),
          c.text('purge_reason', 16, true),
        ],
        indices: [
          unique('file_registry', 'key', ['file_key']),
          // Matches the planner's ORDER BY; purged and never-evicted rows have a null rank and stay out of its range.
          index('file_registry', 'eviction', ['evict_rank', 'created_at', 'id']),
          index('file_registry', 'article', ['article_id']),
        ],
        foreignKeys: [fk('article_id', 'article')],
      }),
      new Table({
        name: 'file_hold',
        columns: [c.id(), c.int('file_id'), c.exact('holder', 128), c.time('held_until'), c.time('updated_at')],
        indices: [unique('file_hold', 'holder', ['file_id', 'holder'])],
        foreignKeys: [fk('file_id', 'file_registry')],
      }),
    ];
    for (const table of tables) await queryRunner.createTable(table, false, true, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const names = [
      'file_hold',
      'file_registry',
      'metric_snapshot',
      'publication',
      'edit',
      'video',
      'story',
      'trend_article',
      'trend',
      'media',
      'article_alias',
      'article',
      'source',
      'category',
    ];
    for (const name of names) await queryRunner.dropTable(name, true, true, true);
  }
}
