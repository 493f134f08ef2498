import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CommonEnv, loadEnv } from '#config';
// Single modules, not the #messaging barrel: that one loads NestJS and the JetStream transport,
// seconds of start-up a command does not need.
import { connectNats } from '#messaging/connect';
import { NoServiceError, RemoteError, RequestTimeoutError } from '#messaging/errors';
import { Namespace } from '#messaging/namespace';
import { RequestClient } from '#messaging/request-client';
import { loadTopology } from '#messaging/streams.config';
import { collectReport } from './report.client.js';
import { rowsOfPage } from './report-columns.js';
import { csvHeader, csvLines, csvTermsByDay, describeLogCheck, jsonParts, renderHtml } from './report-render.js';

/**
 * `npm run report -- [--from D] [--to D] [--format html,csv,json] [--out FILE] [--tz ZONE]`:
 * the lineage report, read from the catalog over NATS (this tool opens no database). Several
 * formats are written from one read of the catalog; CSV and JSON rows are written as pages arrive.
 */
const USAGE =
  'usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format html|csv|json|html,csv,...] [--out FILE] [--tz Asia/Seoul] ' +
  '[--no-log-check] [--log-lookback-days 30]';
const FORMATS = ['html', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DAY = 86_400_000;

function fail(message: string): never {
  process.stderr.write(`report: ${message}\n`);
  process.exit(2);
}

function parseDay(value: string, name: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) fail(`--${name} ${value} is not a date (YYYY-MM-DD or ISO time)\n${USAGE}`);
  return date;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'html' },
        out: { type: 'string' },
        tz: { type: 'string', default: 'Asia/Seoul' },
        'no-log-check': { type: 'boolean' },
        'log-lookback-days': { type: 'string', default: '30' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(
    `${USAGE}\n--to is inclusive (a whole day); defaults: the last 30 days up to today (UTC), html to stdout.\n` +
      'Several formats (--format html,csv) need --out: each is written to it with the format\'s extension (report → report.html, report.csv).\n',
  );
  process.exit(0);
}
const formats = [...new Set(values.format.split(',').map((f) => f.trim()))];
for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) fail(`--format ${f}: use html, csv or json (or several: html,csv)`);
if (formats.length > 1 && !values.out) fail(`--format ${values.format} writes several files: give --out BASE (BASE.html, BASE.csv, ...)`);
const lookbackDays = Number(values['log-lookback-days']);
if (!Number.isInteger(lookbackDays) || lookbackDays < 0 || lookbackDays > 3650) fail(`--log-lookback-days ${values['log-lookback-days']}: a whole number of days`);
try {
  new Intl.DateTimeFormat('en-US', { timeZone: values.tz });
} catch {
  fail(`--tz ${values.tz} is not a time zone (e.g. Asia/Seoul, UTC)`);
}
// --to D is inclusive: the window ends at the start of the next day.
const toDay = values.to ? parseDay(values.to, 'to') : new Date(Math.floor(Date.now() / DAY) * DAY);
const to = /^\d{4}-\d{2}-\d{2}$/.test(values.to ?? 'x-x') || !values.to ? new Date(toDay.getTime() + DAY) : toDay;
const from = values.from ? parseDay(values.from, 'from') : new Date(to.getTime() - 30 * DAY);
if (!(from < to)) fail(`--from ${values.from} is not before --to ${values.to}`);

const env = loadEnv({ ...CommonEnv });
// The tool's own declaration (config/apps/report.yaml): the owners it may ask, checked here as the router checks them.
const declaration = (() => {
  try {
    return loadTopology(env.STREAMS_CONFIG).apps.report;
  } catch (error) {
    return fail(`cannot read the NATS declarations (${(error as Error).message}); run it from the repository or set STREAMS_CONFIG`);
  }
})();
if (!declaration) fail(`config/apps/report.yaml is missing beside ${env.STREAMS_CONFIG}: the report tool's NATS user is declared there`);
const started = performance.now();
const nc = await connectNats({ url: env.NATS_URL, app: 'report', user: env.NATS_USER, password: env.NATS_PASSWORD }).catch((error: unknown) =>
  fail(`cannot reach NATS at ${env.NATS_URL} (${(error as Error).message}). Start the system first: npm start`),
);

/** Where a format goes: stdout for a single format without --out, else --out (with the format's extension when several). */
function target(format: Format): string | undefined {
  if (!values.out) return undefined;
  if (formats.length === 1) return values.out;
  const base = (FORMATS as readonly string[]).includes(extname(values.out).slice(1)) ? values.out.slice(0, -extname(values.out).length) : values.out;
  return `${base}.${format}`;
}

class Sink {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  constructor(readonly path: string | undefined) {
    this.stream = path ? createWriteStream(path) : process.stdout;
  }
  async write(chunk: string | Buffer): Promise<void> {
    if (chunk.length && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    if (!this.path) return;
    (this.stream as WriteStream).end();
    await once(this.stream, 'finish');
  }
}

/**
 * One format's rows, slice by slice: slice 0 (the oldest) goes straight to the output, later slices
 * to temporary files appended in order at the end, so the rows stay oldest first while the slices
 * are read at once, and no slice is held in memory.
 */
class SliceWriter {
  private readonly parts: { path: string; stream?: WriteStream; started: boolean }[];
  constructor(
    private readonly main: Sink,
    slices: number,
    dir: string,
    name: string,
    /** Between two chunks of rows (JSON's comma; CSV lines end with their own newline). */
    private readonly separator: string,
  ) {
    this.parts = Array.from({ length: slices }, (_, k) => ({ path: join(dir, `${name}.${k}`), started: false }));
  }

  async write(slice: number, chunk: string): Promise<void> {
    if (!chunk) return;
    const part = this.parts[slice]!;
    const text = part.started ? this.separator + chunk : chunk;
    part.started = true;
    if (slice === 0) return this.main.write(text);
    part.stream ??= createWriteStream(part.path);
    if (!part.stream.write(text)) await once(part.stream, 'drain');
  }

  async finish(): Promise<void> {
    let any = this.parts[0]!.started;
    for (const part of this.parts.slice(1)) {
      if (!part.started || !part.stream) continue;
      part.stream.end();
      await once(part.stream, 'finish');
      if (any) await this.main.write(this.separator);
      // Bytes as they are: decoding 30 MB of parts to text only to encode them again is work for nothing.
      for await (const chunk of createReadStream(part.path, { highWaterMark: 1 << 20 })) await this.main.write(chunk as Buffer);
      any = true;
    }
  }
}

const partsDir = mkdtempSync(join(tmpdir(), 'report-'));
try {
  const requests = new RequestClient(nc, new Namespace(env.NATS_NAMESPACE), env.NATS_REQUEST_TIMEOUT_MS, undefined, { app: 'report', requests: declaration.requests });
  const sinks = new Map(formats.map((f) => [f as Format, new Sink(target(f as Format))]));
  const csv = sinks.get('csv');
  const json = sinks.get('json');
  const generatedAt = new Date().toISOString();
  let terms = new Map<string, string>();
  let csvRows: SliceWriter | undefined;
  let jsonRows: SliceWriter | undefined;
  const data = await collectReport(
    requests,
    { from: from.toISOString(), to: to.toISOString(), timeZone: values.tz },
    {
      timeoutMs: Math.max(env.NATS_REQUEST_TIMEOUT_MS, 30_000),
      logCheck: !values['no-log-check'],
      logLookbackDays: lookbackDays,
      onStart: async (external, slices) => {
        terms = csvTermsByDay(external);
        if (csv) csvRows = new SliceWriter(csv, slices, partsDir, 'csv', '');
        if (json) jsonRows = new SliceWriter(json, slices, partsDir, 'json', ',\n');
        await csv?.write(csvHeader());
        await json?.write(`${jsonParts.head(generatedAt, external)}\n`);
      },
      onPage: async (page, slice) => {
        if (page.count === 0) return;
        await csvRows?.write(slice, csvLines(page, terms));
        if (jsonRows) await jsonRows.write(slice, jsonParts.rowsText(rowsOfPage(page)));
      },
    },
  );
  await csvRows?.finish();
  await jsonRows?.finish();
  await json?.write(jsonParts.tail(data.aggregates, data.logCheck));
  await sinks.get('html')?.write(renderHtml({ ...data, generatedAt }));
  for (const sink of sinks.values()) await sink.close();
  const a = data.aggregates;
  const written = [...sinks.values()].flatMap((s) => (s.path ? [s.path] : []));
  process.stderr.write(
    `report: ${a.publications} publications (${a.measured} with views, ${a.totalViews} views) ${from.toISOString()} – ${to.toISOString()}` +
      `${written.length ? ` → ${written.join(', ')}` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  for (const line of describeLogCheck(data.logCheck)) process.stderr.write(`report: log DB: ${line}\n`);
} catch (error) {
  // fail() exits at once: the slices' temporary files go first.
  rmSync(partsDir, { recursive: true, force: true });
  if (error instanceof NoServiceError) fail('no catalog answers on NATS. Start the system first: npm start (or the catalog app alone)');
  if (error instanceof RequestTimeoutError) fail(`the catalog did not answer in time (${(error as Error).message}); is it running and reachable? npm start`);
  if (error instanceof RemoteError) fail(`the catalog refused the request: ${error.message}`);
  throw error;
} finally {
  rmSync(partsDir, { recursive: true, force: true });
  await nc.close();
}
