import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase, schemaSnapshot, type MigrationStep } from '#database';
import type { DataSource } from 'typeorm';
import { catalogEntities } from '../src/entities/index.js';
import { catalogMigrations } from '../src/migrations/index.js';
import { SEEDED_CATEGORIES } from '../src/migrations/seed-categories.migration.js';
import { TestDatabase } from './catalog-fixture.js';

const child = fileURLToPath(new URL('./migrate-kill-child.js', import.meta.url));

class Interrupted extends Error {}

async function snapshot(dataSource: DataSource): Promise<Record<string, unknown>> {
  return {
    ...(await schemaSnapshot(dataSource)),
    categories: ((await dataSource.query('SELECT slug FROM category ORDER BY sort_order')) as Array<{ slug: string }>).map((c) => c.slug),
  };
}

function open(url: string, onMigrationStep?: (step: MigrationStep) => void, log?: (m: string) => void): Promise<DataSource> {
  return openDatabase({ url, entities: catalogEntities, migrations: catalogMigrations, onMigrationStep, log: log ?? (() => undefined) });
}

describe('the catalog killed in the middle of its migrations on MariaDB starts again', () => {
  const databases: TestDatabase[] = [];
  const fresh = (): string => {
    databases.push(TestDatabase.create('mariadb'));
    return databases.at(-1)!.url;
  };
  const steps: MigrationStep[] = [];
  let clean: Record<string, unknown>;

  before(async () => {
    const dataSource = await open(fresh(), (s) => void steps.push(s));
    clean = await snapshot(dataSource);
    await dataSource.destroy();
  });
  after(async () => {
    for (const db of databases) await db.drop();
  });

  it('the clean run records every migration and leaves no journal behind', () => {
    assert.deepEqual(clean.migrations, [...catalogMigrations].map((m) => new m().name).sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13))));
    assert.deepEqual(clean.progress, []);
    assert.deepEqual(clean.categories, SEEDED_CATEGORIES.map((c) => c.slug));
  });

  it('interrupted at the first statement of every migration, and the middle and last of the long ones (before and after the journal write), the next start ends with the clean schema', async () => {
    const journaled = steps.filter((s) => s.journaled);
    const points: Array<{ migration: string; statement: number; journaled: boolean }> = [];
    // Every migration's first statement (a kill between it and its journal write), the middle and
    // the last of the long ones (10+ statements), and kills just after a journal write: about 2 s a point.
    for (const name of new Set(journaled.map((s) => s.migration))) {
      const own = journaled.filter((s) => s.migration === name).map((s) => s.statement);
      const picks = new Set([own[0]!, ...(own.length >= 10 ? [own[Math.floor(own.length / 2)]!, own.at(-1)!] : [])]);
      for (const statement of picks) points.push({ migration: name, statement, journaled: false });
      if (own.length >= 10) points.push({ migration: name, statement: own[1]!, journaled: true });
    }
    const logs: string[] = [];
    const started = Date.now();
    for (const point of points) {
      const at = `${point.migration} statement ${point.statement} ${point.journaled ? 'after' : 'before'} its journal write`;
      const url = fresh();
      await assert.rejects(
        open(url, (s) => {
          if (s.migration === point.migration && s.statement === point.statement && s.journaled === point.journaled) throw new Interrupted(at);
        }),
        (error: Error) => error.cause instanceof Interrupted,
        at,
      );
      const reopened = await open(url, undefined, (m) => void logs.push(m));
      try {
        assert.deepEqual(await snapshot(reopened), clean, at);
      } finally {
        await reopened.destroy();
      }
      await databases.pop()!.drop();
    }
    assert.ok(points.length >= catalogMigrations.length, `only ${points.length} interruption points`);
    assert.ok(logs.some((m) => /Migration InitialSchema1767225600000 was interrupted after \d+ writing statement/.test(m)), logs.join('\n'));
    console.log(`# ${points.length} interruption points of ${journaled.length} statements resumed in ${Date.now() - started} ms`);
  });

  it('a catalog SIGKILLed right after creating `channel` (the chaos bench case) is finished by the next start', async () => {
    const url = fresh();
    const killed = await new Promise<{ signal: NodeJS.Signals | null; out: string; err: string }>((done, fail) => {
      const proc = spawn(process.execPath, [child, url, 'CREATE TABLE `channel`'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stdout.on('data', (c) => (out += c));
      proc.stderr.on('data', (c) => (err += c));
      proc.once('error', fail);
      proc.once('exit', (_code, signal) => done({ signal, out, err }));
    });
    assert.equal(killed.signal, 'SIGKILL', `the child was not killed: ${killed.out}${killed.err.slice(-2000)}`);
    const logs: string[] = [];
    const reopened = await open(url, undefined, (m) => void logs.push(m));
    try {
      assert.deepEqual(await snapshot(reopened), clean);
    } finally {
      await reopened.destroy();
    }
    assert.ok(logs.some((m) => /statement \d+ was already applied before the interruption \(Table 'channel' already exists/.test(m)), logs.join('\n'));
  });
});
