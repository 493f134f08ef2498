import type { VectorKind, VectorMeta } from './vector-backend.js';
import type { PreparedFilter, PreparedRow } from './vector-input.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite.js';

export interface SpaceRecord {
  sid: number;
  name: string;
  storage: string;
  dim: number;
  metric: string;
  /** Size and SHA-256 of the index file as last saved; null before the first save. */
  indexBytes: number | null;
  indexSha256: string | null;
}

export interface KeyedMeta extends VectorMeta {
  key: number;
}

export interface KeyedVector extends KeyedMeta {
  vector: Float32Array;
}

interface MetaRow {
  key: number;
  id: string;
  article_id: number;
  category: string;
  source: string;
  kind: VectorKind;
  created_at: number;
  vector?: Buffer;
}

const SCHEMA_VERSION = 1;

// `key` is the numeric id of a vector inside the HNSW index. AUTOINCREMENT never hands out a key
// twice, so a replaced row gets a fresh key; that is what lets a reload tell a stale index entry
// (old key) from a current one and repair the index after a crash (see UsearchBackend.reconcile).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS spaces (
  sid INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  storage TEXT NOT NULL UNIQUE,
  dim INTEGER NOT NULL,
  metric TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  index_bytes INTEGER,
  index_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS vectors (
  key INTEGER PRIMARY KEY AUTOINCREMENT,
  sid INTEGER NOT NULL REFERENCES spaces(sid),
  id TEXT NOT NULL,
  article_id INTEGER NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  vector BLOB NOT NULL,
  UNIQUE (sid, id)
);
-- Covers the usual filters (category, kinds, window) so bounded counts read the index only.
CREATE INDEX IF NOT EXISTS vectors_category ON vectors (sid, category, kind, created_at);
CREATE INDEX IF NOT EXISTS vectors_created ON vectors (sid, created_at);
CREATE INDEX IF NOT EXISTS vectors_article ON vectors (sid, article_id);
-- Keys removed from the index since it was last saved; replayed on load after a crash.
CREATE TABLE IF NOT EXISTS tombstones (
  sid INTEGER NOT NULL,
  key INTEGER NOT NULL,
  PRIMARY KEY (sid, key)
) WITHOUT ROWID;
`;

// Qualified: json_each, joined in below, has columns named key and id too.
const META_COLUMNS = ['key', 'id', 'article_id', 'category', 'source', 'kind', 'created_at']
  .map((column) => `vectors.${column}`)
  .join(', ');

function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function fromBlob(blob: Buffer): Float32Array {
  // Copies: the Buffer may sit at an offset of a shared pool that is not 4-byte aligned.
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}

function toMeta(row: MetaRow): KeyedMeta {
  return {
    key: row.key,
    id: row.id,
    articleId: row.article_id,
    category: row.category,
    source: row.source,
    kind: row.kind,
    createdAt: new Date(row.created_at),
  };
}

function toVector(row: MetaRow): KeyedVector {
  return { ...toMeta(row), vector: fromBlob(row.vector!) };
}

/** Values are always bound parameters; only fixed column names reach the SQL text. */
function filterSql(filter: PreparedFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.category !== undefined) {
    clauses.push('category = ?');
    params.push(filter.category);
  }
  if (filter.kinds !== undefined) {
    clauses.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.sinceMs !== undefined) {
    clauses.push('created_at >= ?');
    params.push(filter.sinceMs);
  }
  if (filter.untilMs !== undefined) {
    clauses.push('created_at < ?');
    params.push(filter.untilMs);
  }
  if (filter.articleIdNot !== undefined) {
    clauses.push('article_id != ?');
    params.push(filter.articleIdNot);
  }
  return { sql: clauses.map((clause) => ` AND ${clause}`).join(''), params };
}

/**
 * The embedded backend's table of record: every vector with its metadata, in one SQLite file.
 * The HNSW index files are derived from it and can be rebuilt from it.
 */
export class UsearchMetadataRepository {
  private readonly db: SqliteDatabase;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(path: string) {
    this.db = openSqlite(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${path} has schema version ${version}; this build knows ${SCHEMA_VERSION}. Upgrade the vector service.`);
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /** Prepared statements are reused: a filter shape yields the same SQL text every time. */
  private sql(text: string): SqliteStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  listSpaces(): SpaceRecord[] {
    return this.sql(
      'SELECT sid, name, storage, dim, metric, index_bytes AS indexBytes, index_sha256 AS indexSha256 FROM spaces ORDER BY sid',
    ).all() as SpaceRecord[];
  }

  createSpace(name: string, storage: string, dim: number, metric: string): SpaceRecord {
    const result = this
      .sql('INSERT INTO spaces (name, storage, dim, metric, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, storage, dim, metric, Date.now());
    return { sid: Number(result.lastInsertRowid), name, storage, dim, metric, indexBytes: null, indexSha256: null };
  }

  setIndexDigest(sid: number, bytes: number, sha256: string): void {
    this.sql('UPDATE spaces SET index_bytes = ?, index_sha256 = ? WHERE sid = ?').run(bytes, sha256, sid);
  }

  /** Inserts the rows, replacing rows of the same ids; returns the new keys and the keys replaced. */
  replaceRows(sid: number, rows: readonly PreparedRow[]): { added: number[]; removed: number[] } {
    const findKey = this.sql('SELECT key FROM vectors WHERE sid = ? AND id = ?').pluck();
    const remove = this.sql('DELETE FROM vectors WHERE key = ?');
    const tombstone = this.sql('INSERT OR IGNORE INTO tombstones (sid, key) VALUES (?, ?)');
    const insert = this.sql(
      'INSERT INTO vectors (sid, id, article_id, category, source, kind, created_at, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      const added: number[] = [];
      const removed: number[] = [];
      for (const row of rows) {
        const old = findKey.get(sid, row.id) as number | undefined;
        if (old !== undefined) {
          remove.run(old);
          tombstone.run(sid, old);
          removed.push(old);
        }
        const result = insert.run(
          sid,
          row.id,
          row.articleId,
          row.category,
          row.source,
          row.kind,
          row.createdAtMs,
          toBlob(row.vector),
        );
        added.push(Number(result.lastInsertRowid));
      }
      return { added, removed };
    })();
  }

  /** Deletes the rows of these ids; returns their keys. */
  deleteIds(sid: number, ids: readonly string[]): number[] {
    const findKey = this.sql('SELECT key FROM vectors WHERE sid = ? AND id = ?').pluck();
    const remove = this.sql('DELETE FROM vectors WHERE key = ?');
    const tombstone = this.sql('INSERT OR IGNORE INTO tombstones (sid, key) VALUES (?, ?)');
    return this.db.transaction(() => {
      const removed: number[] = [];
      for (const id of ids) {
        const key = findKey.get(sid, id) as number | undefined;
        if (key === undefined) continue;
        remove.run(key);
        tombstone.run(sid, key);
        removed.push(key);
      }
      return removed;
    })();
  }

  metaByKeys(sid: number, keys: readonly number[], filter: PreparedFilter = {}): KeyedMeta[] {
    if (keys.length === 0) return [];
    const where = filterSql(filter);
    // CROSS JOIN fixes the loop order: one rowid lookup per key. Left to itself the planner may
    // prefer an index on (sid, ...) and walk every row of the space instead.
    const rows = this
      .sql(
        `SELECT ${META_COLUMNS} FROM json_each(?) AS wanted CROSS JOIN vectors ON vectors.key = wanted.value ` +
          `WHERE sid = ?${where.sql}`,
      )
      .all(JSON.stringify(keys), sid, ...where.params) as MetaRow[];
    return rows.map(toMeta);
  }

  vectorsByIds(sid: number, ids: readonly string[]): KeyedVector[] {
    if (ids.length === 0) return [];
    const rows = this
      .sql(
        `SELECT ${META_COLUMNS}, vectors.vector FROM json_each(?) AS wanted CROSS JOIN vectors ` +
          'ON vectors.sid = ? AND vectors.id = wanted.value',
      )
      .all(JSON.stringify(ids), sid) as MetaRow[];
    return rows.map(toVector);
  }

  vectorsByKeys(sid: number, keys: readonly number[]): KeyedVector[] {
    if (keys.length === 0) return [];
    const rows = this
      .sql(
        `SELECT ${META_COLUMNS}, vectors.vector FROM json_each(?) AS wanted CROSS JOIN vectors ON vectors.key = wanted.value ` +
          'WHERE sid = ?',
      )
      .all(JSON.stringify(keys), sid) as MetaRow[];
    return rows.map(toVector);
  }

  /** min(matching rows, limit): a bounded count, so deciding how to search never walks the whole space. */
  countUpTo(sid: number, filter: PreparedFilter, limit: number): number {
    const where = filterSql(filter);
    return this
      .sql(`SELECT COUNT(*) FROM (SELECT 1 FROM vectors WHERE sid = ?${where.sql} LIMIT ?)`)
      .pluck()
      .get(sid, ...where.params, limit) as number;
  }

  count(sid: number, filter: PreparedFilter = {}): number {
    const where = filterSql(filter);
    return this
      .sql(`SELECT COUNT(*) FROM vectors WHERE sid = ?${where.sql}`)
      .pluck()
      .get(sid, ...where.params) as number;
  }

  /** Rows with vectors that match the filter; callers bound the size with `count` first. */
  matchingVectors(sid: number, filter: PreparedFilter): KeyedVector[] {
    const where = filterSql(filter);
    const rows = this
      .sql(`SELECT ${META_COLUMNS}, vectors.vector FROM vectors WHERE sid = ?${where.sql}`)
      .all(sid, ...where.params) as MetaRow[];
    return rows.map(toVector);
  }

  keys(sid: number): number[] {
    return this.sql('SELECT key FROM vectors WHERE sid = ? ORDER BY key').pluck().all(sid) as number[];
  }

  /** Vectors in key order, one page at a time, for rebuilding an index. */
  vectorPage(sid: number, afterKey: number, limit: number): { key: number; vector: Float32Array }[] {
    const rows = this
      .sql('SELECT key, vector FROM vectors WHERE sid = ? AND key > ? ORDER BY key LIMIT ?')
      .all(sid, afterKey, limit) as { key: number; vector: Buffer }[];
    return rows.map((row) => ({ key: row.key, vector: fromBlob(row.vector) }));
  }

  tombstones(sid: number): number[] {
    return this.sql('SELECT key FROM tombstones WHERE sid = ?').pluck().all(sid) as number[];
  }

  clearTombstones(sid: number): void {
    this.sql('DELETE FROM tombstones WHERE sid = ?').run(sid);
  }

  dropSpace(sid: number): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM tombstones WHERE sid = ?').run(sid);
      this.sql('DELETE FROM vectors WHERE sid = ?').run(sid);
      this.sql('DELETE FROM spaces WHERE sid = ?').run(sid);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
