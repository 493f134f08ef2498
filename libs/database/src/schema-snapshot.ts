import type { DataSource } from 'typeorm';

/**
 * The schema of a database as comparable text (tests, the chaos bench): every table's definition
 * (MySQL: SHOW CREATE TABLE without its AUTO_INCREMENT counter; SQLite: sqlite_master), the
 * recorded migrations in order, and the journal rows of unfinished MySQL migrations.
 */
export async function schemaSnapshot(dataSource: DataSource): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  if (dataSource.options.type === 'mysql') {
    const tables = (await dataSource.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations_progress' ORDER BY table_name",
    )) as Array<{ name: string }>;
    for (const { name } of tables) {
      const [row] = (await dataSource.query(`SHOW CREATE TABLE \`${name}\``)) as Array<Record<string, string>>;
      snapshot[`table ${name}`] = row!['Create Table']!.replace(/ AUTO_INCREMENT=\d+/, '');
    }
    snapshot.progress = await dataSource.query('SELECT name, seq FROM migrations_progress ORDER BY name, seq');
  } else {
    const rows = (await dataSource.query("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")) as Array<{ type: string; name: string; sql: string | null }>;
    for (const row of rows) snapshot[`${row.type} ${row.name}`] = row.sql;
  }
  snapshot.migrations = ((await dataSource.query('SELECT name FROM migrations ORDER BY id')) as Array<{ name: string }>).map((m) => m.name);
  return snapshot;
}
