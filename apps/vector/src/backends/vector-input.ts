import { createHash } from 'node:crypto';
import {
  VECTOR_KINDS,
  type SearchOptions,
  type VectorFilter,
  type VectorInput,
  type VectorKind,
  type VectorRow,
  type VectorSpace,
} from './vector-backend.js';
import { normalize } from './vector-math.js';
import { VectorInputError } from './vector.errors.js';

// Checks shared by both backends, so that they accept and refuse exactly the same input. The
// limits match the Milvus schema (VarChar lengths) so nothing the embedded backend stores would be
// refused after a switch to Milvus.
export const LIMITS = {
  spaceName: 200,
  id: 256,
  category: 256,
  source: 512,
  kind: 16,
  dim: 32768,
  k: 1024,
  batch: 10000,
} as const;

// Control characters have no business in ids or labels, and milvus-lite does not decode them in
// filter literals, so a filter on such a value could never match there.
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new VectorInputError(`${field} must be a non-empty string`);
  if (value.length > max) throw new VectorInputError(`${field} is longer than ${max} characters`);
  if (CONTROL.test(value)) throw new VectorInputError(`${field} contains a control character`);
  return value;
}

function kind(value: unknown, field: string): VectorKind {
  if (!VECTOR_KINDS.includes(value as VectorKind)) {
    throw new VectorInputError(`${field} must be one of ${VECTOR_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as VectorKind;
}

function time(value: unknown, field: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new VectorInputError(`${field} must be a valid Date`);
  return value.getTime();
}

function articleId(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new VectorInputError(`${field} must be a non-negative safe integer`);
  }
  return value as number;
}

export function checkSpace(space: VectorSpace): VectorSpace {
  text(space?.name, 'space.name', LIMITS.spaceName);
  if (!Number.isInteger(space.dim) || space.dim < 1 || space.dim > LIMITS.dim) {
    throw new VectorInputError(`space.dim must be an integer in 1..${LIMITS.dim}, got ${String(space.dim)}`);
  }
  if (space.metric !== 'cosine') throw new VectorInputError(`space.metric must be 'cosine', got ${String(space.metric)}`);
  return space;
}

/**
 * The name a space gets on disk and in Milvus: letters, digits and `_` only, starting with a
 * letter (Milvus collection-name rules, also safe as a file name). When sanitising changed the
 * name, a hash of the original is appended, so `a-b` and `a_b` never share storage.
 */
export function storageName(spaceName: string): string {
  let cleaned = spaceName.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(cleaned)) cleaned = `s_${cleaned}`;
  if (cleaned === spaceName && cleaned.length <= 200) return cleaned;
  const hash = createHash('sha256').update(spaceName).digest('hex').slice(0, 10);
  return `${cleaned.slice(0, 200)}_${hash}`;
}

export interface PreparedRow {
  id: string;
  vector: Float32Array;
  articleId: number;
  category: string;
  source: string;
  kind: VectorKind;
  createdAtMs: number;
}

export function checkVector(vector: VectorInput, dim: number, what: string): Float32Array {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw new VectorInputError(`${what} must be a Float32Array or an array of numbers`);
  }
  if (vector.length !== dim) throw new VectorInputError(`${what} has ${vector.length} dimensions, the space has ${dim}`);
  return normalize(vector, what);
}

/** Validates and normalises a batch; a repeated id keeps its last row, as a sequence of upserts would. */
export function prepareRows(space: VectorSpace, rows: readonly VectorRow[]): PreparedRow[] {
  if (!Array.isArray(rows)) throw new VectorInputError('rows must be an array');
  if (rows.length > LIMITS.batch) throw new VectorInputError(`at most ${LIMITS.batch} rows per upsert, got ${rows.length}`);
  const byId = new Map<string, PreparedRow>();
  rows.forEach((row, index) => {
    const at = `rows[${index}]`;
    const id = text(row?.id, `${at}.id`, LIMITS.id);
    byId.delete(id);
    byId.set(id, {
      id,
      vector: checkVector(row.vector, space.dim, `${at}.vector`),
      articleId: articleId(row.articleId, `${at}.articleId`),
      category: text(row.category, `${at}.category`, LIMITS.category),
      source: text(row.source, `${at}.source`, LIMITS.source),
      kind: kind(row.kind, `${at}.kind`),
      createdAtMs: time(row.createdAt, `${at}.createdAt`),
    });
  });
  return [...byId.values()];
}

export function checkIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids)) throw new VectorInputError('ids must be an array of strings');
  if (ids.length > LIMITS.batch) throw new VectorInputError(`at most ${LIMITS.batch} ids per call, got ${ids.length}`);
  return [...new Set(ids.map((id, index) => text(id, `ids[${index}]`, LIMITS.id)))];
}

/** A filter in plain numbers and strings, every field validated. */
export interface PreparedFilter {
  category?: string;
  kinds?: VectorKind[];
  sinceMs?: number;
  untilMs?: number;
  articleIdNot?: number;
}

export interface PreparedSearch {
  k: number;
  filter: PreparedFilter;
  /** True when the filter can match nothing (empty kinds list, empty time window). */
  empty: boolean;
}

export function prepareSearch(options: SearchOptions): PreparedSearch {
  const k = options?.k;
  if (!Number.isInteger(k) || k < 1 || k > LIMITS.k) throw new VectorInputError(`k must be an integer in 1..${LIMITS.k}`);
  const given: VectorFilter = options.filter ?? {};
  const filter: PreparedFilter = {};
  if (given.category !== undefined) filter.category = text(given.category, 'filter.category', LIMITS.category);
  if (given.kinds !== undefined) {
    if (!Array.isArray(given.kinds)) throw new VectorInputError('filter.kinds must be an array');
    filter.kinds = [...new Set(given.kinds.map((value, index) => kind(value, `filter.kinds[${index}]`)))];
  }
  if (given.since !== undefined) filter.sinceMs = time(given.since, 'filter.since');
  if (given.until !== undefined) filter.untilMs = time(given.until, 'filter.until');
  if (given.articleIdNot !== undefined) filter.articleIdNot = articleId(given.articleIdNot, 'filter.articleIdNot');
  const emptyWindow = filter.sinceMs !== undefined && filter.untilMs !== undefined && filter.sinceMs >= filter.untilMs;
  return { k, filter, empty: filter.kinds?.length === 0 || emptyWindow };
}

export function hasFilter(filter: PreparedFilter): boolean {
  return Object.keys(filter).length > 0;
}
