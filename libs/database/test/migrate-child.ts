// One "replica" booting against a shared database: opens it with two slow, non-idempotent test
// migrations and prints one JSON line { applied, ms }. Run by migration-lock.spec.ts, two at once.
// argv: <database url> <locked|unlocked>. "unlocked" runs the migrations as openDatabase did before
// the lock (the control that shows the spec can fail).
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dataSourceOptions, openDatabase } from '#database';

class CreateProbe1700000000001 implements MigrationInterface {
  name = 'CreateProbe1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    // No IF NOT EXISTS: a second run of this migration fails, as real DDL migrations would.
    await runner.query('CREATE TABLE lock_probe (id INT PRIMARY KEY AUTO_INCREMENT, pid INT NOT NULL)');
    await runner.query('INSERT INTO lock_probe (pid) VALUES (?)', [process.pid]);
    // Long enough that the other replica, started at the same time, arrives while this one runs.
    await runner.query('SELECT SLEEP(1.5)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE lock_probe');
  }
}

class AlterProbe1700000000002 implements MigrationInterface {
  name = 'AlterProbe1700000000002';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE lock_probe ADD COLUMN note VARCHAR(20) NULL');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE lock_probe DROP COLUMN note');
  }
}

const [url, mode] = process.argv.slice(2);
const migrations = [CreateProbe1700000000001, AlterProbe1700000000002];
// A barrier: both replicas are loaded before either opens the database, so they really overlap.
process.stdout.write('ready\n');
await new Promise<void>((go) => process.stdin.once('data', () => go()));
process.stdin.pause();
const started = Date.now();
let dataSource: DataSource;
let applied: number;
if (mode === 'unlocked') {
  dataSource = new DataSource(dataSourceOptions({ url: url!, entities: [], migrations }));
  await dataSource.initialize();
  applied = (await dataSource.runMigrations({ transaction: 'each' })).length;
} else {
  dataSource = await openDatabase({ url: url!, entities: [], migrations, migrationLockTimeoutSeconds: 30 });
  applied = (await dataSource.query('SELECT COUNT(*) AS n FROM lock_probe WHERE pid = ?', [process.pid]))[0].n > 0 ? 2 : 0;
}
await dataSource.destroy();
console.log(JSON.stringify({ applied, ms: Date.now() - started }));
