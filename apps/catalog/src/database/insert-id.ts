import type { InsertResult } from 'typeorm';

/** The generated id of a one-row insert, the same way on mysql2 and better-sqlite3. */
export function insertedId(result: InsertResult): number {
  const id = result.identifiers[0]?.id as number | string | undefined;
  if (id === undefined || id === null) throw new Error('The database returned no id for the inserted row');
  return Number(id);
}
