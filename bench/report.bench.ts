/**
 * `npm run bench:report`: fills a catalog (SQLite, then MariaDB) with REPORT_PUBLICATIONS (100,000)
 * publications × REPORT_SNAPSHOTS (30) snapshots over 90 days, serves it over NATS (a TestBus
 * namespace on the local server) and times `npm run report`'s tool as a child process for the 90-day
 * window, HTML then CSV. Prints readable figures and ends with one JSON line.
 * `report_s` is HTML + CSV; `peak_rss_mb` is the report tool's (GNU time), the catalog runs apart.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropDatabase } from '#database';
import { startTestApp } from '#testing';
import { CatalogModule } from '../apps/catalog/src/catalog.module.js';
import { openCatalogDatabase } from '../apps/catalog/src/database/catalog-database.js';
import { seedLineage } from '../apps/catalog/test/report-seed.js';

const PUBLICATIONS = Number(process.env.REPORT_PUBLICATIONS ?? 100_000);
const SNAPSHOTS = Number(process.env.REPORT_SNAPSHOTS ?? 30);
const DIALECTS = (process.env.REPORT_DIALECTS ?? 'sqlite,mariadb').split(',');
const MYSQL = process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DAYS = 90;
const KEEP = process.env.REPORT_KEEP === '1';
const START = new Date('2026-08-01T00:00:00Z');
const root = new URL('../..', import.meta.url).pathname;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs the report tool once; wall seconds and its peak RSS (GNU time's %M, KiB). */
/** Async: the catalog answering it runs in this process's event loop. */
async function runReport(ns: string, format: string, out: string): Promise<{ s: number; rssMb: number; bytes: number }> {
  const started = performance.now();
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'RSS_KB=%M', process.execPath, join(root, 'dist/apps/catalog/src/report.cli.js'), '--from', '2026-08-01', '--to', '2026-10-29', '--format', format, '--out', out, '--tz', 'UTC'],
    { env: { ...process.env, NATS_NAMESPACE: ns }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const r = { status, stderr };
  const s = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`report --format ${format} failed (${r.status}): ${r.stderr}`);
  const rss = Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  log(`  ${format}: ${s.toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB, ${(statSync(out).size / 1e6).toFixed(1)} MB — ${r.stderr.split('\n')[0]}`);
  return { s, rssMb: rss, bytes: statSync(out).size };
}

async function bench(dialect: string): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'report-bench-'));
  // REPORT_KEEP=1 keeps the seeded catalog (a named MariaDB database, a SQLite file under the
  // system temp dir) and reuses it on the next run of the same size: seeding 100,000 lineages
  // takes minutes, the report seconds. Migrations added since still run when it is reopened.
  const keptName = `report_bench_${PUBLICATIONS}x${SNAPSHOTS}`;
  const name = KEEP ? keptName : `report_bench_${Date.now().toString(36)}`;
  const sqliteFile = KEEP ? join(tmpdir(), `${keptName}.sqlite`) : join(dir, 'catalog.sqlite');
  const url = dialect === 'sqlite' ? `sqlite:${sqliteFile}` : `${MYSQL}/${name}`;
  try {
    const seedStart = performance.now();
    const ds = await openCatalogDatabase(url);
    const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM publication')) as { n: number | string }[];
    let seedS = 0;
    if (KEEP && Number(n) === PUBLICATIONS) {
      log(`${dialect}: reusing the kept catalog ${dialect === 'sqlite' ? sqliteFile : name} (${PUBLICATIONS} publications)`);
    } else {
      log(`${dialect}: seeding ${PUBLICATIONS} publications × ${SNAPSHOTS} snapshots over ${DAYS} days ...`);
      await seedLineage(ds, { publications: PUBLICATIONS, snapshotsPer: SNAPSHOTS, start: START, days: DAYS, batch: 1000 });
      seedS = (performance.now() - seedStart) / 1000;
      log(`  seeded in ${seedS.toFixed(1)} s`);
    }
    await ds.destroy();
    const app = await startTestApp(CatalogModule, { app: 'catalog', env: { CATALOG_DB_URL: url, DATA_DIR: dir } });
    try {
      await app.running.nc.flush();
      const html = await runReport(app.ns.name, 'html', join(dir, 'report.html'));
      const csv = await runReport(app.ns.name, 'csv', join(dir, 'report.csv'));
      return {
        seed_s: Number(seedS.toFixed(1)),
        report_s: Number((html.s + csv.s).toFixed(2)),
        html_s: Number(html.s.toFixed(2)),
        csv_s: Number(csv.s.toFixed(2)),
        peak_rss_mb: Math.round(Math.max(html.rssMb, csv.rssMb)),
        html_mb: Number((html.bytes / 1e6).toFixed(1)),
        csv_mb: Number((csv.bytes / 1e6).toFixed(1)),
      };
    } finally {
      await app.close();
    }
  } finally {
    if (dialect !== 'sqlite' && !KEEP) await dropDatabase(url).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, number>> = {};
  for (const dialect of DIALECTS) results[dialect] = await bench(dialect);
  const maria = results.mariadb;
  log(maria ? `goal: 90-day HTML+CSV report < 5 s on MariaDB: ${maria.report_s} s (${maria.report_s! < 5 ? 'met' : 'NOT met'})` : '');
  process.stdout.write(
    `${JSON.stringify({
      publications: PUBLICATIONS,
      snapshots_per: SNAPSHOTS,
      days: DAYS,
      report_s: maria?.report_s ?? null,
      peak_rss_mb: maria?.peak_rss_mb ?? null,
      ...Object.fromEntries(Object.entries(results).flatMap(([d, r]) => Object.entries(r).map(([k, v]) => [`${d}_${k}`, v]))),
      cpus: cpus().length,
      load_avg_1m: Number(loadavg()[0]!.toFixed(2)),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`report bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
