import { createHash } from 'node:crypto';
import { MigrationExecutor, QueryResult, type DataSource, type QueryRunner } from 'typeorm';

/**
 * MySQL/MariaDB commit every DDL statement at once (and end any open transaction with it), so a
 * process killed in the middle of a migration leaves its first tables or columns behind while the
 * migration itself is not recorded: a plain re-run then fails on "Table 'x' already exists" at
 * every start. Here each migration runs through a QueryRunner whose `query` journals every writing
 * statement once it has completed (a row with the hash of its SQL and parameters in
 * `<migrations table>_progress`); the next start re-runs an unrecorded migration, skipping the
 * writes found in its journal (reads still run, so the schema API sees the tables it needs), and
 * lets only the first write not in the journal fail with "already exists / does not exist", as the
 * kill may
 * have landed between that statement and its journal write. Data statements (INSERT, UPDATE...)
 * are committed in one transaction with their journal row, so they run exactly once.
 */

/** A journaled step, reported to `onMigrationStep` before (`journaled: false`) and after its journal write. */
export interface MigrationStep {
  migration: string;
  /** 1-based count of the writing statements of this migration. */
  statement: number;
  sql: string;
  journaled: boolean;
}

export type MigrationStepHook = (step: MigrationStep) => void | Promise<void>;

export type StatementKind = 'read' | 'ddl' | 'dml';

/** Statements that change nothing that outlives the session, or session state itself: always executed, never counted. */
const READS = new Set([
  'SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'WITH', 'VALUES', 'SET', 'USE', 'DO', 'BEGIN', 'START', 'COMMIT',
  'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'LOCK', 'UNLOCK', 'ANALYZE', 'CHECK', 'CHECKSUM',
]);
/** Data changes: transactional on InnoDB, so they are committed together with their journal row. */
const DATA = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'LOAD', 'CALL']);

/** What a statement is, by its first keyword (comments, blanks and opening parentheses skipped); anything unknown counts as DDL. */
export function statementKind(sql: string): StatementKind {
  const head = sql.replace(/^(?:\s+|\(|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*(?!!)[\s\S]*?\*\/)*/, '');
  const word = /^[A-Za-z]+/.exec(head)?.[0]?.toUpperCase() ?? '';
  if (READS.has(word)) return 'read';
  if (DATA.has(word)) return 'dml';
  return 'ddl';
}

/**
 * Server errors that mean "this DDL statement was already applied": table/column/key/constraint
 * already exists, or the object it drops or renames is already gone. Accepted only for the first
 * statement re-executed after an interruption.
 */
export const ALREADY_APPLIED_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1050, 'ER_TABLE_EXISTS_ERROR'],
  [1051, 'ER_BAD_TABLE_ERROR'],
  [1054, 'ER_BAD_FIELD_ERROR'],
  [1060, 'ER_DUP_FIELDNAME'],
  [1061, 'ER_DUP_KEYNAME'],
  [1068, 'ER_MULTIPLE_PRI_KEY'],
  [1091, 'ER_CANT_DROP_FIELD_OR_KEY'],
  [1146, 'ER_NO_SUCH_TABLE'],
  [1176, 'ER_KEY_DOES_NOT_EXITS'],
  [1826, 'ER_FK_DUP_NAME'],
  [4092, 'ER_UNKNOWN_CONSTRAINT (MariaDB)'],
]);

function errnoOf(error: unknown): number | undefined {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } };
  const errno = e?.driverError?.errno ?? e?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** True when a failed statement's error says its change is already in place (see ALREADY_APPLIED_ERRNOS). */
export function isAlreadyApplied(error: unknown): boolean {
  const errno = errnoOf(error);
  if (errno !== undefined && ALREADY_APPLIED_ERRNOS.has(errno)) return true;
  // MariaDB reports a duplicate foreign key name as errno 1005 "Can't create table ... (errno: 121 "Duplicate key on write or update")".
  const message = (error as Error)?.message ?? '';
  return errno === 1005 && /errno: 121\b/.test(message);
}

function skippedResult(structured: boolean | undefined): unknown {
  if (structured) return new QueryResult();
  return { fieldCount: 0, affectedRows: 0, insertId: 0, info: 'skipped: already applied before an interruption', serverStatus: 0, warningStatus: 0, changedRows: 0 };
}

interface JournalState {
  migration: string;
  /** Writes an interrupted run recorded, by statement key (SQL and parameters), with their counts: skipped when issued again. */
  recorded: Map<string, number>;
  /** How many writes the interrupted run recorded. */
  done: number;
  /** Writes issued so far in this run, and how many of them were skipped. */
  seen: number;
  skipped: number;
  /** An earlier run started this migration (its journal has at least its start row). */
  resuming: boolean;
  /** The first write of a resumed run that is not in the journal has been issued. */
  pastJournal: boolean;
  /** The next journal row number. */
  seq: number;
}

/** What identifies a statement in the journal: its SQL and parameters. */
export function statementKey(sql: string, parameters?: unknown[]): string {
  return createHash('sha256').update(sql).update('\0').update(JSON.stringify(parameters ?? [])).digest('hex');
}

/** The name of the progress journal of a migrations table. */
export function migrationProgressTable(migrationsTable: string): string {
  return `${migrationsTable}_progress`.slice(0, 64);
}

/**
 * Applies the pending migrations of a MySQL/MariaDB data source on `runner` (which already holds the
 * migration lock), resuming any migration an earlier process left half-applied. Returns the names
 * of the migrations applied.
 */
export async function runResumableMigrations(
  dataSource: DataSource,
  runner: QueryRunner,
  log: (message: string) => void,
  onStep?: MigrationStepHook,
): Promise<string[]> {
  const executor = new MigrationExecutor(dataSource, runner);
  await (executor as unknown as { createMigrationsTableIfNotExist(r: QueryRunner): Promise<void> }).createMigrationsTableIfNotExist(runner);
  const migrationsTable = dataSource.options.migrationsTableName ?? 'migrations';
  const progressTable = migrationProgressTable(migrationsTable);
  // One row per completed writing statement (seq >= 1) plus a start row (seq 0) per migration
  // under way; keyed by content, not position, because the schema API may issue fewer statements
  // on a re-run (`createTable(t, true)` issues none when the table is already there).
  await runner.query(
    `CREATE TABLE IF NOT EXISTS \`${progressTable}\` (name VARCHAR(255) NOT NULL, seq INT NOT NULL, statement CHAR(64) NOT NULL, ` +
      'done_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (name, seq)) ENGINE=InnoDB',
  );
  const applied: string[] = [];
  for (const migration of await executor.getPendingMigrations()) {
    const rows = (await runner.query(`SELECT seq, statement FROM \`${progressTable}\` WHERE name = ? ORDER BY seq`, [migration.name])) as Array<{
      seq: number;
      statement: string;
    }>;
    const state: JournalState = {
      migration: migration.name,
      recorded: new Map(),
      done: 0,
      seen: 0,
      skipped: 0,
      resuming: rows.length > 0,
      pastJournal: false,
      seq: rows.length > 0 ? Number(rows.at(-1)!.seq) + 1 : 1,
    };
    for (const row of rows) {
      if (Number(row.seq) === 0) continue;
      state.recorded.set(row.statement, (state.recorded.get(row.statement) ?? 0) + 1);
      state.done += 1;
    }
    if (state.resuming) {
      log(
        `Migration ${migration.name} was interrupted after ${state.done} writing statement(s) (a process stopped in the middle of it); ` +
          `resuming it: those ${state.done} are skipped when issued again, the rest run now`,
      );
    }
    const journal = async (key: string): Promise<void> => {
      await runner.query(`INSERT INTO \`${progressTable}\` (name, seq, statement) VALUES (?, ?, ?)`, [migration.name, state.seq++, key]);
    };
    // The start row: a kill between the first statement and its journal write still leaves a
    // trace that this migration may have begun.
    if (!state.resuming) await runner.query(`INSERT INTO \`${progressTable}\` (name, seq, statement) VALUES (?, 0, '')`, [migration.name]);
    // The runner's overloads take `useStructuredResult: true` only; the call passes on whatever it was given.
    const raw = runner as unknown as { query(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> };
    const journaledQuery = async (sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> => {
      const kind = statementKind(sql);
      if (kind === 'read') return raw.query(sql, parameters, structured);
      const n = ++state.seen;
      const key = statementKey(sql, parameters);
      const left = state.recorded.get(key) ?? 0;
      if (left > 0) {
        state.recorded.set(key, left - 1);
        state.skipped += 1;
        return skippedResult(structured);
      }
      // Only the first statement past the journal can have been applied without its journal row.
      const mayBeApplied = state.resuming && !state.pastJournal;
      state.pastJournal = true;
      const step = (journaled: boolean) => onStep?.({ migration: migration.name, statement: n, sql, journaled });
      if (kind === 'dml') {
        const ours = !runner.isTransactionActive;
        if (ours) await runner.startTransaction();
        try {
          const result = await raw.query(sql, parameters, structured);
          await step(false);
          await journal(key);
          if (ours) await runner.commitTransaction();
          await step(true);
          return result;
        } catch (error) {
          if (ours && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
          throw error;
        }
      }
      let result: unknown;
      try {
        result = await raw.query(sql, parameters, structured);
      } catch (error) {
        if (!(mayBeApplied && isAlreadyApplied(error))) throw error;
        log(
          `Migration ${migration.name}: statement ${n} was already applied before the interruption (${(error as Error).message.slice(0, 200)}); continuing`,
        );
        result = skippedResult(structured);
      }
      await step(false);
      await journal(key);
      await step(true);
      return result;
    };
    // Every schema-API call of the migration (createTable, addColumn...) ends in `this.query`, so
    // a proxy whose `query` is journaled catches all of them.
    const journaled = new Proxy(runner, {
      get: (target, property, receiver) => (property === 'query' ? journaledQuery : Reflect.get(target, property, receiver)),
    });
    try {
      await migration.instance!.up(journaled);
    } catch (error) {
      const where = state.resuming ? ` (resumed: ${state.done} statement(s) were recorded)` : '';
      throw new Error(`Migration ${migration.name} failed at writing statement ${state.seen}${where}: ${(error as Error).message}`, { cause: error });
    }
    const notReissued = state.done - state.skipped;
    if (notReissued > 0) {
      log(`Migration ${migration.name}: ${notReissued} recorded statement(s) were not issued again (the migration found them applied, or changed since)`);
    }
    await runner.startTransaction();
    try {
      await executor.insertMigration(migration);
      await runner.query(`DELETE FROM \`${progressTable}\` WHERE name = ?`, [migration.name]);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    if (state.resuming) log(`Migration ${migration.name} resumed and completed (${state.skipped} statement(s) skipped, ${state.seen - state.skipped} run)`);
    applied.push(migration.name);
  }
  return applied;
}
