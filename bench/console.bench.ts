// Console benchmark: time to first byte and full load of the pipeline page over a log DB of
// 1,000,000 scraped articles (plus their downstream events) and 10,000 dead letters on MariaDB,
// and the cost of one /metrics scrape per app.
//
//   npm run bench:console                       MariaDB ($CONSOLE_BENCH_DB_URL, default below)
//   npm run bench:console -- --articles 200000  a smaller log DB
//
// The pipeline page reads the log DB (funnel) and the NATS monitoring endpoint; it reads nothing
// from the catalog, so the catalog's size does not enter its time. A populated bench database
// whose row counts match is reused, so reruns take seconds.
import 'reflect-metadata';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Events } from '#contracts';
import { openDatabase } from '#database';
import { startMonitoredNatsServer, TestBus } from '#testing';
import { chromium } from 'playwright-core';
import { ConsoleModule } from '../apps/console/src/console.module.js';
import { ConsoleWeb } from '../apps/console/src/console.web.js';
import { FUNNEL } from '../apps/console/src/pipeline.service.js';
import { FilesModule } from '../apps/files/src/files.module.js';
import { LOG_ENTITIES, LOG_MIGRATIONS, LoggerModule } from '../apps/logger/src/logger.module.js';

const DAY_MS = 86_400_000;
const SPREAD_DAYS = 60;
const TOKEN = 'bench-console-token-0123456789';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const articles = arg('articles', 1_000_000);
const deadLetters = arg('dead-letters', 10_000);
const url = process.env.CONSOLE_BENCH_DB_URL ?? 'mysql://root@127.0.0.1:3306/bench_console_log';

/** Downstream stages see fewer events: one trend per 100 articles, a story and a video per trend... */
const plan: [string, number][] = [
  [Events.ArticleStoredV1, articles],
  [Events.ArticleEmbeddedV1, articles],
  [Events.TrendDetectedV1, Math.round(articles / 100)],
  [Events.StoryWrittenV1, Math.round(articles / 200)],
  [Events.VideoGeneratedV1, Math.round(articles / 200)],
  [Events.VideoEditedV1, Math.round(articles / 200)],
  [Events.VideoPublishedV1, Math.round(articles / 250)],
];

function time(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}

async function seed(): Promise<void> {
  const ds = await openDatabase({ url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
  try {
    const [{ n: events }] = (await ds.query('SELECT COUNT(*) AS n FROM event_log')) as { n: number }[];
    const [{ n: letters }] = (await ds.query('SELECT COUNT(*) AS n FROM dead_letter_log')) as { n: number }[];
    const wanted = plan.reduce((sum, [, n]) => sum + n, 0);
    if (Number(events) === wanted && Number(letters) === deadLetters) {
      console.log(`reusing the populated log DB (${wanted.toLocaleString()} events, ${deadLetters.toLocaleString()} dead letters)`);
      // The first look of this run counts the finished days again, as after a fresh start.
      await ds.query('DELETE FROM event_daily_count');
      return;
    }
    console.log(`populating the log DB: ${wanted.toLocaleString()} events over ${SPREAD_DAYS} days, ${deadLetters.toLocaleString()} dead letters...`);
    await ds.query('DELETE FROM event_log');
    await ds.query('DELETE FROM dead_letter_log');
    await ds.query('DELETE FROM event_daily_count');
    const start = performance.now();
    const now = Date.now();
    let id = 0;
    for (const [subject, count] of plan) {
      for (let done = 0; done < count; ) {
        const batch = Math.min(10_000, count - done);
        const rows: string[] = [];
        for (let i = 0; i < batch; i++, done++, id++) {
          const at = now - Math.floor(((done + 0.5) / count) * SPREAD_DAYS * DAY_MS);
          rows.push(`('e${id}','${subject}','bench','c${done}',NULL,'${time(at)}','${time(at)}',${id},'{}')`);
        }
        await ds.query(`INSERT INTO event_log (event_id,subject,producer,correlation_id,causation_id,occurred_at,received_at,stream_seq,payload) VALUES ${rows.join(',')}`);
      }
    }
    for (let done = 0; done < deadLetters; ) {
      const rows: string[] = [];
      for (let i = 0; i < 5000 && done < deadLetters; i++, done++) {
        const at = now - Math.floor(((done + 0.5) / deadLetters) * SPREAD_DAYS * DAY_MS);
        rows.push(`('d${done}','${Events.ArticleStoredV1}',NULL,'c${done}','embedder','EmbedderHandler.handle','poison','bench error',1,'${time(at)}','{}')`);
      }
      await ds.query(`INSERT INTO dead_letter_log (event_id,original_subject,original_event_id,correlation_id,consumer,handler,reason,error,attempts,failed_at,raw) VALUES ${rows.join(',')}`);
    }
    console.log(`populated in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  } finally {
    await ds.destroy();
  }
}

async function clearDailyCounts(): Promise<void> {
  const ds = await openDatabase({ url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
  try {
    await ds.query('DELETE FROM event_daily_count');
  } finally {
    await ds.destroy();
  }
}

/** Polls until the log DB keeps `rows` daily counts; the milliseconds it took. */
async function waitForDailyCounts(rows: number): Promise<number> {
  const started = performance.now();
  const ds = await openDatabase({ url, entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS });
  try {
    for (;;) {
      const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM event_daily_count')) as { n: number }[];
      if (Number(n) >= rows) return performance.now() - started;
      if (performance.now() - started > 120_000) throw new Error(`the console's warm-up kept ${n} daily counts in 120 s, not ${rows}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await ds.destroy();
  }
}

/** Milliseconds to the first byte of the answer, and to its last. */
function get(target: string, headers: Record<string, string> = {}): Promise<{ ttfb: number; total: number; status: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const req = request(target, { headers }, (res) => {
      const ttfb = performance.now() - started;
      res.on('data', () => undefined);
      res.on('end', () => done({ ttfb, total: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', fail);
    req.end();
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  await seed();
  console.log(`load average (1 min) at start: ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
  const nats = await startMonitoredNatsServer();
  const bus = await TestBus.create({ natsUrl: nats.url });
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  try {
    const logger = await bus.startApp(LoggerModule, 'logger', { LOG_DB_URL: url, OPS_PORT: '0', OPS_HOST: '127.0.0.1' });
    const files = await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), FILES_REGISTRY: 'off', DATA_DIR: dir, OPS_PORT: '0', OPS_HOST: '127.0.0.1', LOG_LEVEL: 'error' });
    const consoleEnv = (warm: '0' | '1') => ({
      CONSOLE_PORT: '0',
      CONSOLE_TOKEN: TOKEN,
      NATS_MONITOR_URL: nats.monitorUrl,
      DATA_DIR: dir,
      OPS_PORT: '0',
      OPS_HOST: '127.0.0.1',
      CONSOLE_WARM_COUNTS: warm,
    });
    const auth = { authorization: `Bearer ${TOKEN}` };

    // The reference: a console that does not warm the counts, so its first look after a fresh start
    // counts the 13 finished days of the window itself (kept afterwards).
    const unwarmed = await bus.startApp(ConsoleModule, 'console', consoleEnv('0'));
    const cold = await get(`${unwarmed.app.get(ConsoleWeb).url!}/pipeline`, auth);
    if (cold.status !== 200) throw new Error(`pipeline page answered ${cold.status}`);
    await unwarmed.close();
    bus.apps.splice(bus.apps.indexOf(unwarmed), 1);

    // The default: the console has the logger count them at its start; the first look a person makes
    // once that is done (it is timed too) reads kept counts.
    await clearDailyCounts();
    const warmStart = performance.now();
    const consoleApp = await bus.startApp(ConsoleModule, 'console', consoleEnv('1'));
    const warmedInMs = await waitForDailyCounts(FUNNEL.length * 13);
    const warmupMs = performance.now() - warmStart;
    const base = consoleApp.app.get(ConsoleWeb).url!;
    const first = await get(`${base}/pipeline`, auth);
    const warm: { ttfb: number; total: number }[] = [];
    for (let i = 0; i < 30; i++) warm.push(await get(`${base}/pipeline`, auth));
    console.log(`pipeline page, first look without the warm-up (counts 13 finished days): TTFB ${r1(cold.ttfb)} ms`);
    console.log(`pipeline page, first look after the console's start-up warm-up (counted in ${r1(warmedInMs)} ms, ${r1(warmupMs)} ms from the console's start): TTFB ${r1(first.ttfb)} ms`);
    console.log(`pipeline page, later looks (30): TTFB p50 ${r1(quantile(warm.map((w) => w.ttfb), 0.5))} ms, p95 ${r1(quantile(warm.map((w) => w.ttfb), 0.95))} ms`);

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders(auth);
    const loads: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await page.goto(`${base}/pipeline`, { waitUntil: 'load' });
      await page.waitForFunction(() => (globalThis as { chartsReady?: boolean }).chartsReady === true);
      loads.push(performance.now() - started);
    }
    await browser.close();
    console.log(`pipeline page full load in Chromium (HTML, chart.js, chart drawn; 10): p50 ${r1(quantile(loads, 0.5))} ms, p95 ${r1(quantile(loads, 0.95))} ms`);

    const scrape: Record<string, { p50: number; p95: number; bytes: number }> = {};
    // A first round warms the shared code (prom-client's serialisation); the second is measured.
    for (const running of [logger, files, consoleApp]) for (let i = 0; i < 100; i++) await running.metrics.metrics();
    for (const running of [logger, files, consoleApp]) {
      const name = running.metrics.app;
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        bytes = (await running.metrics.metrics()).length;
        times.push(performance.now() - started);
      }
      const http: number[] = [];
      for (let i = 0; i < 50; i++) http.push((await get(`${running.opsUrl}/metrics`)).total);
      scrape[name] = { p50: Math.round(quantile(times, 0.5) * 100) / 100, p95: Math.round(quantile(times, 0.95) * 100) / 100, bytes };
      console.log(`/metrics of ${name}: collect p50 ${quantile(times, 0.5).toFixed(2)} ms, p95 ${quantile(times, 0.95).toFixed(2)} ms; over HTTP p50 ${quantile(http, 0.5).toFixed(2)} ms; ${bytes} bytes`);
    }

    console.log(
      JSON.stringify({
        bench: 'console',
        db: 'mariadb',
        articles,
        events: plan.reduce((sum, [, n]) => sum + n, 0),
        deadLetters,
        pipelineTtfbFirstMs: r1(first.ttfb),
        pipelineTtfbFirstUnwarmedMs: r1(cold.ttfb),
        warmupMs: r1(warmupMs),
        pipelineTtfbP50Ms: r1(quantile(warm.map((w) => w.ttfb), 0.5)),
        pipelineTtfbP95Ms: r1(quantile(warm.map((w) => w.ttfb), 0.95)),
        pipelineFullLoadP50Ms: r1(quantile(loads, 0.5)),
        metricsScrapeMs: scrape,
        loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
      }),
    );
  } finally {
    await bus.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
