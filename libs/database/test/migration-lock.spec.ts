import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createConnection, type Connection } from 'mysql2/promise';
import { dropDatabase, migrationLockName, openDatabase } from '#database';

const server = 'mysql://root@127.0.0.1:3306';
const child = fileURLToPath(new URL('./migrate-child.js', import.meta.url));

type Outcome = { code: number | null; out: string; err: string };

/** Starts two replicas, lets them go at the same moment once both are loaded, and waits for both. */
async function twoReplicas(url: string, mode: 'locked' | 'unlocked'): Promise<Outcome[]> {
  const procs = [0, 1].map(() => spawn(process.execPath, [child, url, mode], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const outcomes = procs.map(
    (proc) =>
      new Promise<Outcome>((done, fail) => {
        let out = '';
        let err = '';
        proc.stdout.on('data', (c) => (out += c));
        proc.stderr.on('data', (c) => (err += c));
        proc.once('error', fail);
        proc.once('exit', (code) => done({ code, out: out.replace(/^ready\n/, ''), err }));
      }),
  );
  const ready = procs.map(
    (proc) =>
      new Promise<void>((done) => {
        let seen = '';
        const onData = (c: Buffer) => ((seen += c), seen.includes('ready\n') && (proc.stdout.off('data', onData), done()));
        proc.stdout.on('data', onData);
        proc.once('exit', () => done());
      }),
  );
  await Promise.all(ready);
  for (const proc of procs) proc.stdin.end('go\n');
  return Promise.all(outcomes);
}

describe('migrations on MariaDB under a lock', () => {
  const names = [`mlock_a_${process.pid}`, `mlock_b_${process.pid}`, `mlock_c_${process.pid}`];
  let admin: Connection;
  before(async () => {
    admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    for (const name of names) await dropDatabase(`${server}/${name}`);
  });
  after(async () => {
    await admin.end();
    for (const name of names) await dropDatabase(`${server}/${name}`);
  });

  it('two processes migrating the same schema at once both succeed and each migration runs once', async () => {
    const url = `${server}/${names[0]}`;
    const results = await twoReplicas(url, 'locked');
    for (const r of results) assert.equal(r.code, 0, `a replica failed: ${r.err.slice(-2000)}`);
    const outcomes = results.map((r) => JSON.parse(r.out.trim().split('\n').at(-1)!) as { applied: number; ms: number });
    // One ran both migrations, the other waited on the lock and found nothing pending.
    assert.deepEqual(outcomes.map((o) => o.applied).sort(), [0, 2]);
    // ...and it did wait: the first held the lock through its 1.5 s migration.
    assert.ok(outcomes.find((o) => o.applied === 0)!.ms >= 1000, `the second replica did not wait: ${JSON.stringify(outcomes)}`);
    const [migrations] = await admin.query(`SELECT name FROM \`${names[0]}\`.migrations ORDER BY id`);
    assert.deepEqual((migrations as Array<{ name: string }>).map((m) => m.name), ['CreateProbe1700000000001', 'AlterProbe1700000000002']);
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM \`${names[0]}\`.lock_probe`);
    assert.equal(Number((rows as Array<{ n: number }>)[0]!.n), 1);
  });

  it('without the lock the same two processes collide (the control that shows the test above can fail)', async () => {
    const url = `${server}/${names[1]}`;
    await admin.query(`CREATE DATABASE \`${names[1]}\``);
    const results = await twoReplicas(url, 'unlocked');
    assert.ok(
      results.some((r) => r.code !== 0),
      `both unlocked replicas succeeded: ${results.map((r) => r.out.trim()).join(' / ')}`,
    );
  });

  it('a lock held past the timeout fails with a clear error, then opens once released', async () => {
    const url = `${server}/${names[2]}`;
    const holder = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      const [held] = await holder.query('SELECT GET_LOCK(?, 0) AS acquired', [migrationLockName(names[2]!)]);
      assert.equal(Number((held as Array<{ acquired: number }>)[0]!.acquired), 1);
      const started = Date.now();
      await assert.rejects(
        openDatabase({ url, entities: [], migrations: [], migrationLockTimeoutSeconds: 1 }),
        (error: Error) => {
          assert.match(error.message, /Timed out after \d+ s waiting for the migration lock "migrations:mlock_c_\d+"/);
          assert.match(error.message, /another process is migrating this database \(MySQL connection \d+ holds it/);
          return true;
        },
      );
      assert.ok(Date.now() - started >= 900, 'openDatabase gave up before the timeout');
      await holder.query('SELECT RELEASE_LOCK(?)', [migrationLockName(names[2]!)]);
      const dataSource = await openDatabase({ url, entities: [], migrations: [], migrationLockTimeoutSeconds: 1 });
      await dataSource.destroy();
    } finally {
      await holder.end();
    }
  });
});
