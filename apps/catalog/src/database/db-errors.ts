import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: string;
  errno?: number;
}

function driverError(error: unknown): DriverError | null {
  if (error instanceof QueryFailedError) return error.driverError as DriverError;
  if (error && typeof error === 'object' && 'code' in error) return error as DriverError;
  return null;
}

/** A unique key refused the row: another replica (or an earlier try) stored it first. */
export function isUniqueViolation(error: unknown): boolean {
  const e = driverError(error);
  if (!e) return false;
  return e.code === 'ER_DUP_ENTRY' || e.errno === 1062 || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A foreign key points nowhere: the caller named a row that does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = driverError(error);
  if (!e) return false;
  return e.code === 'ER_NO_REFERENCED_ROW_2' || e.errno === 1452 || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Worth one more try: InnoDB deadlock or lock wait timeout, SQLite busy. */
export function isTransient(error: unknown): boolean {
  const e = driverError(error);
  if (!e) return false;
  return e.errno === 1213 || e.errno === 1205 || e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_BUSY_SNAPSHOT';
}
