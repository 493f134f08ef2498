import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { redactUrl } from '#config';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface DatabaseOptions {
  /** `sqlite:<path>` (embedded default) or `mysql://user:pass@host:port/db` (MySQL or MariaDB). */
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Creates the MySQL database when it does not exist yet (the embedded shape needs no setup). */
  createDatabase?: boolean;
  logging?: boolean;
  /**
   * MySQL/MariaDB: how long to wait for another process's migrations (default 300 s). Every
   * replica of a data owner migrates at boot; a named lock (GET_LOCK) lets one run them while the
   * others wait, then find nothing pending. SQLite is single-process and needs no lock.
   */
  migrationLockTimeoutSeconds?: number;
}

/** Default wait for the migration lock: longer than any migration of the project takes. */
export const MIGRATION_LOCK_TIMEOUT_SECONDS = 300;

/** The GET_LOCK name that serialises the migrations of one MySQL database (names are at most 64 characters). */
export function migrationLockName(database: string): string {
  return `migrations:${database}`.slice(0, 64);
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new Error(`Unsupported database URL "${url}": use sqlite:<path> or mysql://user:pass@host:3306/db`);
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
  };
  if (databaseKind(options.url) === 'sqlite') {
    const path = options.url.slice('sqlite:'.length);
    const database = path === ':memory:' ? path : resolve(path);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers go on while one writer commits; busy_timeout rides out short lock waits.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  const url = new URL(options.url.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    type: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

/** Opens the database and applies pending migrations (never schema sync). */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dsOptions = dataSourceOptions(options);
  if (dsOptions.type === 'mysql' && options.createDatabase !== false) await createMysqlDatabase(options.url);
  const dataSource = new DataSource(dsOptions);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`Cannot open database ${redactUrl(options.url)}: ${redactUrl((error as Error).message)}`, { cause: error });
  }
  try {
    await runMigrationsLocked(dataSource, options);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

/**
 * Applies pending migrations. On MySQL/MariaDB they run under a named lock (GET_LOCK) held by a
 * connection of its own: concurrent replicas queue behind it and then find nothing pending, so
 * every migration runs once. The lock belongs to that session, so a process that dies while
 * migrating releases it with its connection (a half-applied migration is rolled back by its
 * transaction; MySQL DDL is not transactional, which is why they must not run twice at once).
 */
async function runMigrationsLocked(dataSource: DataSource, options: DatabaseOptions): Promise<void> {
  if (dataSource.options.type !== 'mysql') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const database = String(dataSource.options.database);
  const name = migrationLockName(database);
  const timeout = options.migrationLockTimeoutSeconds ?? MIGRATION_LOCK_TIMEOUT_SECONDS;
  const runner = dataSource.createQueryRunner();
  try {
    const started = Date.now();
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [name, timeout])) as Array<{ acquired: number | string | null }>;
    if (row?.acquired === null || row?.acquired === undefined) {
      throw new Error(`Cannot take the migration lock "${name}" on ${redactUrl(options.url)}: GET_LOCK returned NULL (the server refused or killed the wait)`);
    }
    if (Number(row.acquired) !== 1) {
      const [holder] = (await runner.query('SELECT IS_USED_LOCK(?) AS connection', [name]).catch(() => [{ connection: null }])) as Array<{ connection: unknown }>;
      throw new Error(
        `Timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for the migration lock "${name}" on ${redactUrl(options.url)}: ` +
          `another process is migrating this database${holder?.connection ? ` (MySQL connection ${String(holder.connection)} holds it; SHOW PROCESSLIST shows what it runs)` : ''}. ` +
          'Wait for it and restart, or raise migrationLockTimeoutSeconds if a migration legitimately takes longer.',
      );
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/** A connection to the MySQL server of a database URL, without selecting the database. */
async function mysqlServer(rawUrl: string): Promise<{ name: string; connection: import('mysql2/promise').Connection }> {
  const url = new URL(rawUrl.replace(/^mariadb:/, 'mysql:'));
  const name = url.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Database name "${name}" must be letters, digits and _ only`);
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  });
  return { name, connection };
}

async function createMysqlDatabase(rawUrl: string): Promise<void> {
  const { name, connection } = await mysqlServer(rawUrl);
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (error) {
    // A production user may lack CREATE; the database then has to exist already, which the
    // connection that follows checks with its own clear error.
    const code = (error as { code?: string }).code;
    if (code !== 'ER_DBACCESS_DENIED_ERROR' && code !== 'ER_ACCESS_DENIED_ERROR') throw error;
  } finally {
    await connection.end();
  }
}

/** Removes a whole database (tests and benchmarks): the MySQL schema, or the SQLite file and its WAL. */
export async function dropDatabase(url: string): Promise<void> {
  if (databaseKind(url) === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') for (const suffix of ['', '-wal', '-shm']) rmSync(resolve(path) + suffix, { force: true });
    return;
  }
  const { name, connection } = await mysqlServer(url);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/** The one redaction of the project (`redactUrl` of #config), under its older name. */
export const redact = redactUrl;
