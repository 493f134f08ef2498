import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations that run unchanged on MySQL/MariaDB and SQLite. Keys, hashes and
 * platform ids compare byte for byte: MySQL's default collation is case-insensitive (it would make
 * `abC` and `ABC` one YouTube id), SQLite's is binary, so MySQL gets `utf8mb4_bin` on those columns.
 */
export class MigrationColumns {
  private readonly mysql: boolean;

  constructor(queryRunner: QueryRunner) {
    const type = queryRunner.connection.driver.options.type;
    this.mysql = type === 'mysql' || type === 'mariadb';
  }

  id(): TableColumnOptions {
    return { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
  }

  int(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'integer', isNullable: nullable };
  }

  smallint(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'smallint', isNullable: nullable };
  }

  bigint(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'bigint', isNullable: nullable };
  }

  double(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'double', isNullable: nullable };
  }

  bool(name: string): TableColumnOptions {
    return { name, type: 'boolean', isNullable: false };
  }

  /** UTC, millisecond precision (MySQL DATETIME(3); SQLite text `YYYY-MM-DD HH:MM:SS.SSS`, which sorts). */
  time(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'datetime', precision: 3, isNullable: nullable };
  }

  text(name: string, length: number, nullable = false): TableColumnOptions {
    return { name, type: 'varchar', length: String(length), isNullable: nullable };
  }

  /** A value compared byte for byte: storage keys, hashes, external ids. */
  exact(name: string, length: number, nullable = false): TableColumnOptions {
    return { ...this.text(name, length, nullable), ...(this.mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}) };
  }

  /** A lowercase hex sha256. */
  sha256(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'varchar', length: '64', isNullable: nullable, ...(this.mysql ? { charset: 'ascii', collation: 'ascii_bin' } : {}) };
  }

  /** Bounded prose (summaries, JSON lists of short facts); MySQL TEXT holds 64 KB. */
  longText(name: string, nullable = false): TableColumnOptions {
    return { name, type: 'text', isNullable: nullable };
  }
}
