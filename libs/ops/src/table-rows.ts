import type { DataSource } from 'typeorm';
import type { MetricsRegistry } from './metrics.registry.js';

const REFRESH_MS = 30_000;

/**
 * `db_table_rows{table}` for every table of the app's databases with a generated numeric key: the
 * highest id, which is the row count where rows are never deleted (the catalog, the log DB) and an
 * upper bound elsewhere. Read in the background at most every 30 s, so a scrape never waits for the
 * database and a COUNT(*) over a million rows never runs.
 */
export function registerTableRowGauges(metrics: MetricsRegistry, dataSources: DataSource[]): void {
  const targets = dataSources.flatMap((ds) =>
    ds.entityMetadatas
      .filter((m) => m.primaryColumns.length === 1 && m.primaryColumns[0]!.isGenerated && m.tableType !== 'view')
      .map((m) => ({ ds, table: m.tableName, column: m.primaryColumns[0]!.databaseName })),
  );
  if (targets.length === 0) return;
  let values: { labels: { table: string }; value: number }[] = [];
  let readAt = 0;
  let reading: Promise<void> | null = null;
  const refresh = async (): Promise<void> => {
    const next: typeof values = [];
    for (const { ds, table, column } of targets) {
      if (!ds.isInitialized) continue;
      const q = ds.driver.escape.bind(ds.driver);
      const rows = (await ds.query(`SELECT MAX(${q(column)}) AS n FROM ${q(table)}`).catch(() => null)) as { n: number | string | null }[] | null;
      if (rows) next.push({ labels: { table }, value: Number(rows[0]?.n ?? 0) });
    }
    values = next;
    readAt = Date.now();
  };
  metrics.gauge({
    name: 'db_table_rows',
    help: 'Rows per table of the databases this app owns (highest generated id; rows are never deleted)',
    labelNames: ['table'] as const,
    collect: () => {
      if (Date.now() - readAt > REFRESH_MS && !reading) reading = refresh().finally(() => (reading = null));
      return values;
    },
  });
  reading = refresh().finally(() => (reading = null));
}
