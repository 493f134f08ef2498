import { CatalogError } from './catalog.errors.js';

/** Keyset position (time, id) of the last row of a page, opaque to callers. */
export interface ListPosition {
  at: Date;
  id: number;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/** The cursor comes back from a caller: checked, never trusted. */
export function decodeCursor(cursor: string): ListPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const date = typeof at === 'string' ? new Date(at) : new Date(NaN);
    if (!Number.isNaN(date.getTime()) && Number.isSafeInteger(id) && (id as number) > 0) return { at: date, id: id as number };
  } catch {
    // fall through to the error below
  }
  throw new CatalogError('invalid', 'the cursor is not one this service issued: pass nextCursor back unchanged');
}
