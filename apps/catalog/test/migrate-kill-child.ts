// A catalog killed during its first migrations (migration-resume.spec.ts): opens the catalog
// database and SIGKILLs itself right after the server ran the first statement whose SQL contains
// argv[3], before that statement's journal write. argv: <url> <sql fragment>.
import { openDatabase } from '#database';
import { catalogEntities } from '../src/entities/index.js';
import { catalogMigrations } from '../src/migrations/index.js';

const [url, fragment] = process.argv.slice(2);
await openDatabase({
  url: url!,
  entities: catalogEntities,
  migrations: catalogMigrations,
  onMigrationStep: (step) => {
    if (!step.journaled && step.sql.includes(fragment!)) process.kill(process.pid, 'SIGKILL');
  },
});
console.log('finished without being killed');
