import type { ValueTransformer } from 'typeorm';

/**
 * MySQL hands BIGINT back as a string (and SQLite as a number): both become a JS number here.
 * Byte counts and view counts stay far below 2^53, so a number loses nothing.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** MySQL DOUBLE and SQLite REAL both come back as numbers, but drivers may hand strings for DECIMAL-like types. */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
