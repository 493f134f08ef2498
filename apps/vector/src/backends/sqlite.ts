import { createRequire } from 'node:module';

// better-sqlite3 ships no type declarations and @types/better-sqlite3 is not a dependency; this is
// the small part of its API the embedded backend uses.
export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(toggle?: boolean): SqliteStatement;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): SqliteDatabase;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
  readonly open: boolean;
}

type SqliteConstructor = new (filename: string, options?: { timeout?: number }) => SqliteDatabase;

const require = createRequire(import.meta.url);

export function openSqlite(path: string): SqliteDatabase {
  const Database = require('better-sqlite3') as SqliteConstructor;
  return new Database(path, { timeout: 5000 });
}
