// Retention planning benchmark: a file registry of 1,000,000 rows, the time and memory to pick the
// eviction set that frees 10 % of the stored bytes, and the unlink rate of this machine's disk.
//
//   npm run bench:retention                    MariaDB ($CATALOG_BENCH_DB_URL, default below)
//   npm run bench:retention -- --sqlite        SQLite file under the OS temp folder
//   npm run bench:retention -- --rows 200000   a smaller registry (e.g. to see memory stay flat)
//   npm run bench:retention -- --page 5000     keyset page size of the scan (default 5000)
//   npm run bench:retention -- --deletes 20000 files to create and unlink for the delete rate
//
// A populated bench database whose row count matches is reused, so reruns take seconds.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync, unlinkSync, readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '#logging';
import type { DataSource } from 'typeorm';
import { openCatalogDatabase } from '../apps/catalog/src/database/catalog-database.js';
import { FileRegistryRepository } from '../apps/catalog/src/repositories/file-registry.repository.js';
import { PublicationRepository } from '../apps/catalog/src/repositories/publication.repository.js';
import { RetentionService } from '../apps/catalog/src/retention.service.js';
import { prng } from '#testing';
import { databaseStorageSize, dropDatabase } from '#database';

const DAY_MS = 86_400_000;
const MIN_AGE_DAYS = 7;
const SELECT_RUNS = 3;

interface Options {
  url: string;
  dialect: 'mysql' | 'sqlite';
  rows: number;
  page: number;
  deletes: number;
}

function options(): Options {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} takes a positive integer, got "${raw}"`);
    return n;
  };
  const sqlite = args.includes('--sqlite');
  const rows = int('--rows', 1_000_000);
  const url = sqlite
    ? `sqlite:${join(tmpdir(), `retention-bench-${rows}.sqlite`)}`
    : (process.env.CATALOG_BENCH_DB_URL ?? 'mysql://root@127.0.0.1:3306/retention_bench');
  return { url, dialect: sqlite ? 'sqlite' : 'mysql', rows, page: int('--page', 5000), deletes: int('--deletes', 20_000) };
}

/** The mix of a year of a busy pipeline: mostly scraped images and text, few (large) videos. */
const MIX = [
  { share: 0.1, cls: 'scraped', kind: 'jpg', min: 50e3, max: 3e6, purged: true },
  { share: 0.003, cls: 'published-video', kind: 'mp4', min: 50e6, max: 300e6, purged: false },
  { share: 0.02, cls: 'generated-unpublished', kind: 'mp4', min: 50e6, max: 300e6, purged: false },
  { share: 0.047, cls: 'other', kind: 'txt', min: 1e3, max: 100e3, purged: false },
  { share: 0.5, cls: 'scraped', kind: 'jpg', min: 50e3, max: 3e6, purged: false },
  { share: 0.22, cls: 'scraped', kind: 'txt', min: 2e3, max: 40e3, purged: false },
  { share: 0.11, cls: 'scraped', kind: 'mp4', min: 2e6, max: 80e6, purged: false },
] as const;
const HELD_SHARE = 0.005;

function sqlTime(date: Date): string {
  return `'${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

async function populate(ds: DataSource, opts: Options): Promise<void> {
  const random = prng(42);
  const now = Date.now();
  const span = 365 * DAY_MS;
  const batch = opts.dialect === 'mysql' ? 2000 : 5000;
  const heldUntil = sqlTime(new Date(now + 3650 * DAY_MS));
  const runner = ds.createQueryRunner();
  const started = performance.now();
  try {
    for (let start = 0; start < opts.rows; start += batch) {
      const values: string[] = [];
      for (let i = start; i < Math.min(start + batch, opts.rows); i++) {
        let pick = random();
        const mix = MIX.find((m) => (pick -= m.share) < 0) ?? MIX[4];
        const bytes = Math.round(mix.min + (mix.max - mix.min) * random() ** 2);
        // Files arrive in time order (ids grow with created_at), with a day of jitter.
        const created = new Date(now - span + (i / opts.rows) * span + (random() - 0.5) * DAY_MS);
        const rank = mix.purged ? 'NULL' : mix.cls === 'published-video' ? '0' : mix.cls === 'scraped' ? '1' : 'NULL';
        const held = !mix.purged && mix.cls === 'scraped' && random() < HELD_SHARE ? heldUntil : 'NULL';
        const purgedAt = mix.purged ? sqlTime(new Date(created.getTime() + 30 * DAY_MS)) : 'NULL';
        const shard = i.toString(16).padStart(6, '0');
        const key = `${shard.slice(-2)}/${shard.slice(-4, -2)}/${i}.${mix.kind}`;
        const sha = i.toString(16).padStart(64, '0');
        values.push(
          `('${key}', ${bytes}, '${sha}', '${mix.cls}', ${rank}, ${held}, ${sqlTime(created)}, ${purgedAt}, ${mix.purged ? "'age'" : 'NULL'})`,
        );
      }
      if (start % 50_000 === 0) await runner.startTransaction();
      await runner.query(
        `INSERT INTO file_registry (file_key, bytes, sha256, file_class, evict_rank, held_until, created_at, purged_at, purge_reason) VALUES ${values.join(',')}`,
      );
      if ((start + batch) % 50_000 === 0 || start + batch >= opts.rows) {
        await runner.commitTransaction();
        if (process.stdout.isTTY) process.stdout.write(`\r  inserted ${Math.min(start + batch, opts.rows).toLocaleString('en')} rows`);
      }
    }
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${process.stdout.isTTY ? '\r' : ''}  inserted ${opts.rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s (${Math.round(opts.rows / seconds).toLocaleString('en')} rows/s)\n`);
}

async function resetDatabase(opts: Options): Promise<void> {
  await dropDatabase(opts.url);
}

async function openRegistry(opts: Options): Promise<DataSource> {
  try {
    return await openCatalogDatabase(opts.url);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\nStart MariaDB, set CATALOG_BENCH_DB_URL=mysql://user:pass@host:3306/retention_bench, or run with --sqlite.`,
    );
  }
}

async function count(ds: DataSource): Promise<number> {
  const [row] = (await ds.query('SELECT COUNT(*) AS n FROM file_registry')) as { n: number | string }[];
  return Number(row!.n);
}

function rssMb(): number {
  return process.memoryUsage.rss() / 1024 / 1024;
}

interface Selection {
  seconds: number;
  files: number;
  bytes: number;
  peakRssMb: number;
  byReason: Record<string, number>;
}

async function select(retention: RetentionService, bytesToFree: number, page: number): Promise<Selection> {
  let peak = rssMb();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 5);
  const started = performance.now();
  let files = 0;
  let bytes = 0;
  const byReason: Record<string, number> = {};
  // Consumed as a stream: nothing of the eviction set is kept, as the files service would delete as it goes.
  for await (const candidate of retention.candidates({ minAgeSeconds: MIN_AGE_DAYS * 86_400, pageSize: page })) {
    files++;
    bytes += candidate.bytes;
    byReason[candidate.reason] = (byReason[candidate.reason] ?? 0) + 1;
    if (bytes >= bytesToFree) break;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return { seconds, files, bytes, peakRssMb: Math.max(peak, rssMb()), byReason };
}

/** The mount a path is on, from /proc/mounts (Linux), to say which disk the delete rate is of. */
function filesystemOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((f) => f.length > 2 && path.startsWith(f[1]!))
      .sort((a, b) => b[1]!.length - a[1]!.length);
    return mounts[0] ? `${mounts[0][2]} ${mounts[0][0]} on ${mounts[0][1]}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

interface DeleteRate {
  dir: string;
  filesystem: string;
  createPerS: number;
  sequentialPerS: number;
  parallelPerS: number;
}

/** Unlink rate in a two-level sharded tree (as the files service lays files out), sequential and 16 at a time. */
async function deleteRate(total: number): Promise<DeleteRate> {
  const root = join(tmpdir(), `retention-bench-deletes-${process.pid}`);
  const payload = Buffer.alloc(2048, 7);
  const make = (tag: string): string[] => {
    const paths: string[] = [];
    for (let i = 0; i < total; i++) {
      const h = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
      const dir = join(root, tag, h.slice(0, 2), h.slice(2, 4));
      if (i < 65_536) mkdirSync(dir, { recursive: true });
      const path = join(dir, `${i}.bin`);
      try {
        writeFileSync(path, payload);
      } catch {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, payload);
      }
      paths.push(path);
    }
    return paths;
  };
  try {
    let started = performance.now();
    const sequential = make('seq');
    const createPerS = total / ((performance.now() - started) / 1000);
    started = performance.now();
    for (const path of sequential) unlinkSync(path);
    const sequentialPerS = total / ((performance.now() - started) / 1000);

    const parallel = make('par');
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < parallel.length) await unlink(parallel[next++]!);
      }),
    );
    const parallelPerS = total / ((performance.now() - started) / 1000);
    return { dir: root, filesystem: filesystemOf(root), createPerS, sequentialPerS, parallelPerS };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function explain(ds: DataSource, opts: Options): Promise<string> {
  const sql =
    'SELECT id, file_key, bytes, created_at FROM file_registry WHERE evict_rank = 1 AND (held_until IS NULL OR held_until <= ?) ' +
    'AND created_at <= ? ORDER BY created_at, id LIMIT 2000';
  const params = [new Date().toISOString().replace('T', ' ').replace('Z', ''), new Date().toISOString().replace('T', ' ').replace('Z', '')];
  if (opts.dialect === 'mysql') {
    const [row] = (await ds.query(`EXPLAIN ${sql}`, params)) as { key: string; type: string; Extra: string }[];
    return `${row?.type} on ${row?.key} (${row?.Extra ?? ''})`;
  }
  const rows = (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[];
  return rows.map((r) => r.detail).join('; ');
}

async function sizeCost(ds: DataSource): Promise<{ bytes: number; method: string; ms: number; countMs: number; fileBytes: number | null }> {
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const times: number[] = [];
  let part = await databaseStorageSize(ds);
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    part = await databaseStorageSize(ds);
    times.push(performance.now() - started);
  }
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await ds.query('SELECT COUNT(*) AS n FROM file_registry');
    counts.push(performance.now() - started);
  }
  const database = String(ds.options.database);
  const fileBytes = ds.options.type === 'better-sqlite3' ? statSync(database).size : null;
  return { bytes: part.bytes, method: part.method, ms: median(times), countMs: median(counts), fileBytes };
}

async function main(): Promise<void> {
  const opts = options();
  console.log(`retention bench: ${opts.dialect} ${opts.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}, ${opts.rows.toLocaleString('en')} registry rows`);
  let ds = await openRegistry(opts);
  let rows = await count(ds);
  if (rows === opts.rows) {
    console.log(`  reusing the populated registry (${rows.toLocaleString('en')} rows)`);
  } else {
    console.log(`  registry has ${rows.toLocaleString('en')} rows, want ${opts.rows.toLocaleString('en')}: rebuilding`);
    await ds.destroy();
    await resetDatabase(opts);
    ds = await openRegistry(opts);
    await populate(ds, opts);
    if (opts.dialect === 'mysql') await ds.query('ANALYZE TABLE file_registry');
    else await ds.query('ANALYZE');
    await ds.destroy();
    // Measure in a fresh process: this one still carries the heap and allocator pages of the build.
    const rerun = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit' });
    process.exit(rerun.status ?? 1);
  }
  if (opts.dialect === 'sqlite') {
    const path = opts.url.slice('sqlite:'.length);
    console.log(`  sqlite file: ${(statSync(path).size / 1024 / 1024).toFixed(0)} MB`);
  }

  const [capacityRow] = (await ds.query('SELECT SUM(bytes) AS total, COUNT(*) AS live FROM file_registry WHERE purged_at IS NULL')) as { total: string | number; live: string | number }[];
  const capacity = Number(capacityRow!.total);
  const bytesToFree = Math.ceil(capacity * 0.1);
  console.log(`  live files: ${Number(capacityRow!.live).toLocaleString('en')}, capacity ${(capacity / 1e12).toFixed(2)} TB, to free (10 %): ${(bytesToFree / 1e12).toFixed(3)} TB`);
  console.log(`  plan of one page: ${await explain(ds, opts)}`);

  const logger = createLogger({ app: 'retention-bench', level: 'warn' });
  const retention = new RetentionService(new FileRegistryRepository(ds), new PublicationRepository(ds), logger);
  global.gc?.();
  const rssBefore = rssMb();
  const runs: Selection[] = [];
  for (let i = 0; i < SELECT_RUNS; i++) runs.push(await select(retention, bytesToFree, opts.page));
  const worst = runs.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const peak = Math.max(...runs.map((r) => r.peakRssMb));
  // What catalog.storage.size.v1 costs on this registry (the files sweeper asks once a TTL), against
  // a reference in the same run: counting the registry's rows.
  const size = await sizeCost(ds);
  await ds.destroy();

  console.log(`  deleting ${opts.deletes.toLocaleString('en')} files ...`);
  const deletes = await deleteRate(opts.deletes);

  const first = runs[0]!;
  const table: [string, string][] = [
    ['registry rows', rows.toLocaleString('en')],
    ['eviction set (files)', first.files.toLocaleString('en')],
    ['  of published videos', (first.byReason.published ?? 0).toLocaleString('en')],
    ['  of scraped files past 7 days', (first.byReason.age ?? 0).toLocaleString('en')],
    ['planned bytes', `${(first.bytes / 1e12).toFixed(3)} TB (target ${(bytesToFree / 1e12).toFixed(3)} TB)`],
    ['keyset page size', String(opts.page)],
    ['selection time per run', runs.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')],
    ['RSS before selection', `${rssBefore.toFixed(0)} MB`],
    ['peak RSS during selection', `${peak.toFixed(0)} MB (+${(peak - rssBefore).toFixed(0)} MB)`],
    ['delete folder', `${deletes.dir} (${deletes.filesystem})`],
    ['create rate', `${Math.round(deletes.createPerS).toLocaleString('en')} files/s`],
    ['unlink rate, sequential', `${Math.round(deletes.sequentialPerS).toLocaleString('en')} files/s`],
    ['unlink rate, 16 in flight', `${Math.round(deletes.parallelPerS).toLocaleString('en')} files/s`],
    ['database size (storage.size)', `${(size.bytes / 1024 / 1024).toFixed(0)} MB by ${size.method}${size.fileBytes === null ? '' : ` (file on disk: ${(size.fileBytes / 1024 / 1024).toFixed(0)} MB)`}`],
    ['  time to measure it', `${size.ms.toFixed(1)} ms (median of 5; COUNT(*) of the registry: ${size.countMs.toFixed(1)} ms)`],
  ];
  const width = Math.max(...table.map(([k]) => k.length));
  console.log('');
  for (const [k, v] of table) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log('');
  console.log(
    JSON.stringify({
      dialect: opts.dialect,
      rows,
      select_s: Number(worst.seconds.toFixed(3)),
      select_runs_s: runs.map((r) => Number(r.seconds.toFixed(3))),
      selected_files: first.files,
      planned_bytes: first.bytes,
      bytes_to_free: bytesToFree,
      rss_before_mb: Number(rssBefore.toFixed(1)),
      peak_rss_mb: Number(peak.toFixed(1)),
      page_size: opts.page,
      deletes_per_s: Math.round(deletes.sequentialPerS),
      deletes_per_s_parallel16: Math.round(deletes.parallelPerS),
      db_size_bytes: size.bytes,
      db_size_ms: Number(size.ms.toFixed(2)),
      db_count_ms: Number(size.countMs.toFixed(2)),
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`retention bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
