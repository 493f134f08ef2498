import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { dropDatabase, openDatabase, schemaSnapshot, type MigrationStep } from '#database';
import { LOG_MIGRATIONS } from '../src/logger.module.js';

// The logger's migrations create their tables with `createTable(t, true)`, which issues nothing
// when the table is there: the journal must match statements by content, not by position.
const url = `mysql://root@127.0.0.1:3306/logger_resume_${process.pid}`;
after(() => dropDatabase(url));

it('the logger interrupted before or after the journal write of each of its migration statements on MariaDB starts again with the clean schema', async () => {
  await dropDatabase(url);
  const steps: MigrationStep[] = [];
  const first = await openDatabase({ url, entities: [], migrations: LOG_MIGRATIONS, onMigrationStep: (s) => void steps.push(s) });
  const clean = await schemaSnapshot(first);
  await first.destroy();
  assert.ok(steps.length >= 8, `only ${steps.length} steps`);
  for (const point of steps) {
    const at = `${point.migration} statement ${point.statement} ${point.journaled ? 'after' : 'before'} its journal write`;
    await dropDatabase(url);
    await assert.rejects(
      openDatabase({
        url,
        entities: [],
        migrations: LOG_MIGRATIONS,
        onMigrationStep: (s) => {
          if (s.migration === point.migration && s.statement === point.statement && s.journaled === point.journaled) throw new Error(at);
        },
      }),
      (error: Error) => error.message.includes(at),
      at,
    );
    const reopened = await openDatabase({ url, entities: [], migrations: LOG_MIGRATIONS, log: () => undefined });
    try {
      assert.deepEqual(await schemaSnapshot(reopened), clean, at);
    } finally {
      await reopened.destroy();
    }
  }
});
