/**
 * `npm run bench:report`: fills a catalog (SQLite, then MariaDB) with REPORT_PUBLICATIONS (100,000)
 * publications × REPORT_SNAPSHOTS (30) snapshots over 90 days, serves it over NATS (a TestBus
 * namespace on the local server) and times `npm run report`'s tool as a child process for the 90-day
 * window: HTML and CSV from one read (`--format html,csv`), and as the reference in the same run,
 * CSV alone and HTML alone (each a read of its own, what the tool did before). Then runs
 * `bench:upload` (200 MB against the fake YouTube, 3 faults; REPORT_UPLOAD=0 skips it) and takes its
 * figures. Prints readable figures and ends with one JSON line.
 * `report_s` is the HTML+CSV run on MariaDB; `peak_rss_mb` is the report tool's (GNU time), the
 * catalog runs apart (in this process).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

/**
 * CPU seconds the local MariaDB server has used so far (its /proc entry; undefined when it is not
 * visible, e.g. a remote server). The delta over a run includes other clients of the same server.
 */
function dbServerCpuS(): number | undefined {
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let comm = '';
      try {
        comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 a second on Linux).
      return (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Runs the report tool once; wall seconds and its peak RSS (GNU time's %M, KiB). */
/** Async: the catalog answering it runs in this process's event loop. */
async function runReport(
  ns: string,
  format: string,
  out: string,
): Promise<{ s: number; rssMb: number; bytes: number; toolCpuS: number; catalogCpuS: number; dbCpuS: number | undefined }> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const db0 = dbServerCpuS();
  // No logger runs here: --no-log-check (the comparison is one request per kind; see report-permissions.spec).
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'RSS_KB=%M CPU_S=%U+%S', process.execPath, join(root, 'dist/apps/catalog/src/report.cli.js'), '--from', '2026-08-01', '--to', '2026-10-29', '--format', format, '--out', out, '--tz', 'UTC', '--no-log-check'],
    { env: { ...process.env, NATS_NAMESPACE: ns }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const r = { status, stderr };
  const s = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`report --format ${format} failed (${r.status}): ${r.stderr}`);
  const rss = Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  // CPU seconds say what the wall time cannot on a shared machine: the work itself, whatever the load.
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  const toolCpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : 0;
  const used = process.cpuUsage(cpu0);
  const catalogCpuS = (used.user + used.system) / 1e6;
  const db1 = dbServerCpuS();
  const dbCpuS = db0 === undefined || db1 === undefined ? undefined : db1 - db0;
  const files = format.includes(',') ? format.split(',').map((f) => `${out}.${f}`) : [out];
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  log(
    `  ${format}: ${s.toFixed(2)} s (CPU: tool ${toolCpuS.toFixed(2)} s, catalog ${catalogCpuS.toFixed(2)} s${dbCpuS === undefined ? '' : `, MariaDB server ${dbCpuS.toFixed(2)} s incl. other clients`}), peak RSS ${rss.toFixed(0)} MB, ` +
      `${(bytes / 1e6).toFixed(1)} MB — ${r.stderr.split('\n')[0]}`,
  );
  return { s, rssMb: rss, bytes, toolCpuS, catalogCpuS, dbCpuS };
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
    if (KEEP && Number(n) !== 0 && Number(n) !== PUBLICATIONS) {
      throw new Error(`the kept catalog ${name} holds ${n} publications, not ${PUBLICATIONS} (an interrupted seed?): drop it and run again`);
    }
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
      const both = await runReport(app.ns.name, 'html,csv', join(dir, 'report'));
      const csv = await runReport(app.ns.name, 'csv', join(dir, 'alone.csv'));
      const html = await runReport(app.ns.name, 'html', join(dir, 'alone.html'));
      return {
        seed_s: Number(seedS.toFixed(1)),
        report_s: Number(both.s.toFixed(2)),
        peak_rss_mb: Math.round(both.rssMb),
        tool_cpu_s: Number(both.toolCpuS.toFixed(2)),
        catalog_cpu_s: Number(both.catalogCpuS.toFixed(2)),
        ...(dialect !== 'sqlite' && both.dbCpuS !== undefined ? { db_server_cpu_s: Number(both.dbCpuS.toFixed(2)) } : {}),
        separate_html_plus_csv_s: Number((html.s + csv.s).toFixed(2)),
        html_s: Number(html.s.toFixed(2)),
        csv_s: Number(csv.s.toFixed(2)),
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

/** `bench:upload`'s figures (its last line), run as a child: the uploader against the fake YouTube with 3 faults. */
async function uploadFigures(): Promise<Record<string, number | boolean>> {
  log('upload: bench:upload (200 MB against the fake YouTube, faults at 3 random points) ...');
  const child = spawn(process.execPath, [join(root, 'dist/bench/upload.bench.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`bench:upload failed (${status})`);
  const last = stdout.trim().split('\n').at(-1)!;
  log(`  ${last}`);
  return JSON.parse(last) as Record<string, number | boolean>;
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, number>> = {};
  for (const dialect of DIALECTS) results[dialect] = await bench(dialect);
  const upload = process.env.REPORT_UPLOAD === '0' ? {} : await uploadFigures();
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
      ...upload,
      cpus: cpus().length,
      load_avg_1m: Number(loadavg()[0]!.toFixed(2)),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`report bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
