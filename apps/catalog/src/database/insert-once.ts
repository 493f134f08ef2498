import { isTransient, isUniqueViolation } from './db-errors.js';

export interface Once<T> {
  row: T;
  created: boolean;
}

/**
 * The idempotent write every catalog create uses: look the natural key up, insert when absent,
 * and when the insert hits the unique key (another replica won the race) return the winner's row.
 * Each step is one autocommitted statement, so no lock is held across an await: two replicas (or
 * two connections of one process on one SQLite file) cannot deadlock on it.
 */
export async function insertOnce<T>(find: () => Promise<T | null>, insert: () => Promise<T>, attempts = 3): Promise<Once<T>> {
  for (let attempt = 1; ; attempt++) {
    const existing = await find();
    if (existing) return { row: existing, created: false };
    try {
      return { row: await insert(), created: true };
    } catch (error) {
      if (isUniqueViolation(error)) {
        const winner = await find();
        if (winner) return { row: winner, created: false };
        // The key matched a row this lookup cannot see (e.g. the other unique key of the table).
        throw error;
      }
      if (!isTransient(error) || attempt >= attempts) throw error;
    }
  }
}
