import type { PreparedFilter } from './vector-input.js';

/**
 * A Milvus string literal. Only `"` and `\` need escaping inside double quotes; control characters
 * are refused earlier (vector-input.ts) because milvus-lite does not decode their escapes. Values
 * never reach an expression any other way.
 */
export function milvusString(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

function milvusInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}

export function idsExpression(ids: readonly string[]): string {
  return `id in [${ids.map(milvusString).join(', ')}]`;
}

/** The boolean expression of a search filter; '' when there is none. */
export function filterExpression(filter: PreparedFilter): string {
  const clauses: string[] = [];
  if (filter.category !== undefined) clauses.push(`category == ${milvusString(filter.category)}`);
  if (filter.kinds !== undefined) clauses.push(`kind in [${filter.kinds.map(milvusString).join(', ')}]`);
  if (filter.sinceMs !== undefined) clauses.push(`createdAt >= ${milvusInteger(filter.sinceMs)}`);
  if (filter.untilMs !== undefined) clauses.push(`createdAt < ${milvusInteger(filter.untilMs)}`);
  if (filter.articleIdNot !== undefined) clauses.push(`articleId != ${milvusInteger(filter.articleIdNot)}`);
  return clauses.join(' and ');
}
