// A process killed in the middle of its migrations (resumable-migrations.spec.ts): opens the
// database with the probe migrations and SIGKILLs itself at one step. argv: <url> [statement] [journaled: 0|1].
// On SQLite the kill comes from inside ProbeColumns (PROBE_KILL_AFTER_CREATE=1).
import { openDatabase } from '#database';
import { probeMigrations } from './probe-migrations.js';

const [url, statement, journaled] = process.argv.slice(2);
await openDatabase({
  url: url!,
  entities: [],
  migrations: probeMigrations,
  onMigrationStep: (step) => {
    if (step.migration === 'ProbeColumns1700000000102' && step.statement === Number(statement) && step.journaled === (journaled === '1')) {
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
console.log('finished without being killed');
