import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, openDatabase, schemaSnapshot, statementKind, type MigrationStep } from '#database';
import { probeMigrations } from './probe-migrations.js';

const server = 'mysql://root@127.0.0.1:3306';
const child = fileURLToPath(new URL('./resume-child.js', import.meta.url));

async function probeRows(dataSource: DataSource): Promise<unknown> {
  return {
    parent: await dataSource.query('SELECT slug, weight FROM probe_parent ORDER BY slug'),
    // By the parent's slug: an insert rolled back by an interruption still used up an AUTO_INCREMENT id.
    child: await dataSource.query('SELECT c.id, p.slug AS parent, c.note FROM probe_child c JOIN probe_parent p ON p.id = c.parent_id ORDER BY c.id'),
  };
}

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.stderr.on('data', (c) => (err += c));
    proc.once('error', fail);
    proc.once('exit', (code, signal) => done({ code, signal, out, err }));
  });
}

class Interrupted extends Error {}

describe('statementKind', () => {
  it('tells reads, data changes and DDL apart', () => {
    assert.equal(statementKind('SELECT 1'), 'read');
    assert.equal(statementKind('  /* c */ -- x\n (SELECT 1)'), 'read');
    assert.equal(statementKind('SHOW CREATE TABLE t'), 'read');
    assert.equal(statementKind('SET FOREIGN_KEY_CHECKS = 0'), 'read');
    assert.equal(statementKind('insert into t values (1)'), 'dml');
    assert.equal(statementKind('UPDATE t SET a = 1'), 'dml');
    assert.equal(statementKind('CREATE TABLE t (id INT)'), 'ddl');
    assert.equal(statementKind('ALTER TABLE t ADD c INT'), 'ddl');
    assert.equal(statementKind('RENAME TABLE a TO b'), 'ddl');
    assert.equal(statementKind('OPTIMIZE TABLE t'), 'ddl', 'unknown statements count as DDL');
  });
});

describe('a migration interrupted on MariaDB is resumed by the next start', () => {
  const prefix = `mresume_${process.pid}`;
  const used: string[] = [];
  const url = (suffix: string): string => {
    used.push(`${server}/${prefix}_${suffix}`);
    return used.at(-1)!;
  };
  let clean: { snapshot: Record<string, unknown>; rows: unknown };
  const steps: MigrationStep[] = [];

  before(async () => {
    const dataSource = await openDatabase({ url: url('clean'), entities: [], migrations: probeMigrations, onMigrationStep: (s) => void steps.push(s) });
    clean = { snapshot: await schemaSnapshot(dataSource), rows: await probeRows(dataSource) };
    await dataSource.destroy();
  });
  after(async () => {
    for (const u of used) await dropDatabase(u);
  });

  it('journals every writing statement of the clean run, and leaves no progress behind', () => {
    const count = (m: string) => steps.filter((s) => s.migration === m && s.journaled).length;
    assert.deepEqual([count('ProbeTables1700000000101'), count('ProbeColumns1700000000102')], [4, 7]);
    assert.deepEqual(clean.snapshot.progress, []);
    assert.deepEqual(clean.snapshot.migrations, ['ProbeTables1700000000101', 'ProbeColumns1700000000102']);
  });

  it('interrupted before or after the journal write of every statement, the next openDatabase finishes it with the clean schema and data', async () => {
    const points = steps.map((s) => ({ migration: s.migration, statement: s.statement, journaled: s.journaled }));
    const logs: string[] = [];
    for (const [i, point] of points.entries()) {
      const u = url(`p${i}`);
      const at = `${point.migration} statement ${point.statement} ${point.journaled ? 'after' : 'before'} its journal write`;
      await assert.rejects(
        openDatabase({
          url: u,
          entities: [],
          migrations: probeMigrations,
          onMigrationStep: (s) => {
            if (s.migration === point.migration && s.statement === point.statement && s.journaled === point.journaled) throw new Interrupted(at);
          },
        }),
        (error: Error) => error.cause instanceof Interrupted,
        at,
      );
      const reopened = await openDatabase({ url: u, entities: [], migrations: probeMigrations, log: (m) => void logs.push(m) });
      try {
        assert.deepEqual(await schemaSnapshot(reopened), clean.snapshot, at);
        assert.deepEqual(await probeRows(reopened), clean.rows, at);
      } finally {
        await reopened.destroy();
      }
    }
    assert.ok(logs.some((m) => /Migration ProbeColumns1700000000102 was interrupted after \d+ writing statement\(s\).*resuming it/.test(m)), logs.join('\n'));
    assert.ok(logs.some((m) => /statement \d+ was already applied before the interruption \(.*(already exists|Duplicate)/i.test(m)), logs.join('\n'));
    assert.ok(logs.some((m) => /resumed and completed/.test(m)), logs.join('\n'));
  });

  it('a process SIGKILLed mid-migration (after a DDL, before its journal write) is resumed by the next one', async () => {
    const u = url('kill');
    for (const [statement, journaled] of [[6, '0'], [2, '1']] as const) {
      await dropDatabase(u);
      const killed = await runChild([u, String(statement), journaled]);
      assert.equal(killed.signal, 'SIGKILL', `the child was not killed: ${killed.out}${killed.err.slice(-2000)}`);
      const reopened = await openDatabase({ url: u, entities: [], migrations: probeMigrations, log: () => undefined });
      try {
        assert.deepEqual(await schemaSnapshot(reopened), clean.snapshot);
        assert.deepEqual(await probeRows(reopened), clean.rows);
      } finally {
        await reopened.destroy();
      }
    }
  });

  it('without the journal the same interruption makes every restart fail (the control that shows the test above can fail)', async () => {
    const u = url('control');
    await assert.rejects(
      openDatabase({
        url: u,
        entities: [],
        migrations: probeMigrations,
        onMigrationStep: (s) => {
          if (s.migration === 'ProbeColumns1700000000102' && s.statement === 1 && s.journaled) throw new Interrupted('control');
        },
      }),
    );
    const plain = new DataSource(dataSourceOptions({ url: u, entities: [], migrations: probeMigrations }));
    await plain.initialize();
    try {
      await assert.rejects(plain.runMigrations({ transaction: 'each' }), /Duplicate column name 'weight'/);
    } finally {
      await plain.destroy();
    }
  });

  it('a resumed migration that issues fewer statements than were recorded (createTable(t, true) on a table that is there) still completes, and says so', async () => {
    const u = url('changed');
    await assert.rejects(
      openDatabase({
        url: u,
        entities: [],
        migrations: probeMigrations,
        onMigrationStep: (s) => {
          if (s.migration === 'ProbeTables1700000000101' && s.statement === 4 && !s.journaled) throw new Interrupted('x');
        },
      }),
    );
    // The same migration, now creating its tables only when missing: the re-run issues no CREATE.
    const ifMissing = class ProbeTables1700000000101 {
      name = 'ProbeTables1700000000101';
      async up(q: import('typeorm').QueryRunner) {
        await q.query('CREATE TABLE IF NOT EXISTS probe_parent (id INTEGER PRIMARY KEY)');
        await q.query("INSERT INTO probe_parent (slug) VALUES ('a')");
        await q.query("INSERT INTO probe_parent (slug) VALUES ('b')");
      }
      async down() {}
    };
    const logs: string[] = [];
    const dataSource = await openDatabase({ url: u, entities: [], migrations: [ifMissing], log: (m) => void logs.push(m) });
    try {
      assert.deepEqual(await dataSource.query('SELECT slug FROM probe_parent ORDER BY slug'), [{ slug: 'a' }, { slug: 'b' }]);
    } finally {
      await dataSource.destroy();
    }
    assert.ok(logs.some((m) => /2 recorded statement\(s\) were not issued again/.test(m)), logs.join('\n'));
  });
});

describe('SQLite needs no journal: DDL is transactional', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mresume-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a process SIGKILLed mid-migration leaves nothing of it, and the next start applies it cleanly', async () => {
    const cleanUrl = `sqlite:${join(dir, 'clean.sqlite')}`;
    const killedUrl = `sqlite:${join(dir, 'killed.sqlite')}`;
    const cleanDb = await openDatabase({ url: cleanUrl, entities: [], migrations: probeMigrations });
    const dump = async (ds: DataSource) => ({ schema: await schemaSnapshot(ds), rows: await probeRows(ds) });
    const expected = await dump(cleanDb);
    await cleanDb.destroy();

    const killed = await runChild([killedUrl], { PROBE_KILL_AFTER_CREATE: '1' });
    assert.equal(killed.signal, 'SIGKILL', `the child was not killed: ${killed.out}${killed.err.slice(-2000)}`);
    const inspect = new DataSource(dataSourceOptions({ url: killedUrl, entities: [], migrations: [] }));
    await inspect.initialize();
    // The first migration is committed, the second rolled back entirely (its ADD COLUMNs included).
    assert.deepEqual(await inspect.query('SELECT name FROM migrations ORDER BY id'), [{ name: 'ProbeTables1700000000101' }]);
    assert.deepEqual(((await inspect.query('PRAGMA table_info(probe_parent)')) as Array<{ name: string }>).map((c) => c.name), ['id', 'slug']);
    await inspect.destroy();

    const reopened = await openDatabase({ url: killedUrl, entities: [], migrations: probeMigrations });
    try {
      assert.deepEqual(await dump(reopened), expected);
    } finally {
      await reopened.destroy();
    }
  });
});
