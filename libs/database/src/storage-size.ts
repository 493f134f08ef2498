import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';

/** One measured store: what `*.storage.size.v1` answers part by part (see libs/contracts storage-size.v1). */
export interface StoragePart {
  name: string;
  bytes: number;
  method: 'mysql-information-schema' | 'sqlite-pages' | 'files' | 'estimate';
  exact: boolean;
  location?: { host: string; device: string };
  note?: string;
}

/** Host and device of a local file, so a reader can tell whether its own volume already holds it. */
export function fileLocation(path: string): { host: string; device: string } | undefined {
  try {
    return { host: hostname(), device: String(statSync(path).dev) };
  } catch {
    return undefined;
  }
}

/** Size of a file, 0 when it does not exist (a WAL between checkpoints, say). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * What a database occupies, as the database itself says:
 * - MySQL/MariaDB: `SUM(data_length + index_length)` of its schema in `information_schema.tables`
 *   (InnoDB's figures are its page statistics: they follow writes with a lag, not byte by byte);
 * - SQLite: `page_count * page_size` of the main file, plus the `-wal` file beside it.
 */
export async function databaseStorageSize(dataSource: DataSource): Promise<StoragePart> {
  const type = dataSource.options.type;
  if (type === 'mysql' || type === 'mariadb') {
    const [row] = (await dataSource.query(
      'SELECT DATABASE() AS name, COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE()',
    )) as Array<{ name: string; bytes: number | string }>;
    return {
      name: `mysql schema ${row?.name ?? '?'}`,
      bytes: Number(row?.bytes ?? 0),
      method: 'mysql-information-schema',
      exact: true,
      note: 'data_length + index_length of every table (InnoDB page statistics)',
    };
  }
  if (type === 'better-sqlite3') {
    const [pages] = (await dataSource.query('PRAGMA page_count')) as Array<{ page_count: number }>;
    const [size] = (await dataSource.query('PRAGMA page_size')) as Array<{ page_size: number }>;
    const database = String(dataSource.options.database);
    const main = Number(pages?.page_count ?? 0) * Number(size?.page_size ?? 0);
    if (database === ':memory:') return { name: 'sqlite :memory:', bytes: main, method: 'sqlite-pages', exact: true, note: 'in memory: no disk' };
    const wal = fileBytes(`${database}-wal`);
    const location = fileLocation(database);
    return {
      name: `sqlite ${database}`,
      bytes: main + wal,
      method: 'sqlite-pages',
      exact: true,
      ...(location ? { location } : {}),
      note: `page_count * page_size = ${main} bytes, -wal file ${wal} bytes`,
    };
  }
  throw new Error(`cannot measure a ${String(type)} database`);
}

/** The answer of `<owner>.storage.size.v1`: the parts and their sum. */
export function storageSizeResponse(owner: string, parts: StoragePart[]) {
  return {
    owner,
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    exact: parts.every((part) => part.exact),
    parts,
    measuredAt: new Date().toISOString(),
  };
}
