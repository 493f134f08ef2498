import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { CommonEnv, loadEnv } from '#config';
import { connectNats, Namespace, NoServiceError, RemoteError, RequestClient, RequestTimeoutError } from '#messaging';
import { collectReport } from './report.client.js';
import { renderCsv, renderHtml, renderJson } from './report-render.js';

/**
 * `npm run report -- [--from D] [--to D] [--format html|csv|json] [--out FILE] [--tz ZONE]`:
 * the lineage report, read from the catalog over NATS (this tool opens no database).
 */
const USAGE = 'usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format html|csv|json] [--out FILE] [--tz Asia/Seoul]';
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
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n--to is inclusive (a whole day); defaults: the last 30 days up to today (UTC), html to stdout.\n`);
  process.exit(0);
}
const format = values.format;
if (format !== 'html' && format !== 'csv' && format !== 'json') fail(`--format ${format}: use html, csv or json`);
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
const started = performance.now();
const nc = await connectNats({ url: env.NATS_URL, app: 'report', user: env.NATS_USER, password: env.NATS_PASSWORD }).catch((error: unknown) =>
  fail(`cannot reach NATS at ${env.NATS_URL} (${(error as Error).message}). Start the system first: npm start`),
);
try {
  const requests = new RequestClient(nc, new Namespace(env.NATS_NAMESPACE), env.NATS_REQUEST_TIMEOUT_MS);
  const data = await collectReport(requests, { from: from.toISOString(), to: to.toISOString(), timeZone: values.tz }, { timeoutMs: Math.max(env.NATS_REQUEST_TIMEOUT_MS, 30_000) });
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  if (format === 'html') await write(renderHtml(data));
  else if (format === 'json') await write(renderJson(data));
  else for (const line of renderCsv(data)) await write(line);
  if (values.out) {
    (out as ReturnType<typeof createWriteStream>).end();
    await once(out, 'finish');
  }
  const a = data.aggregates;
  process.stderr.write(
    `report: ${a.publications} publications (${a.measured} with views, ${a.totalViews} views) ${from.toISOString()} – ${to.toISOString()}` +
      `${values.out ? ` → ${values.out}` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  if (error instanceof NoServiceError) fail('no catalog answers on NATS. Start the system first: npm start (or the catalog app alone)');
  if (error instanceof RequestTimeoutError) fail(`the catalog did not answer in time (${(error as Error).message}); is it running and reachable? npm start`);
  if (error instanceof RemoteError) fail(`the catalog refused the request: ${error.message}`);
  throw error;
} finally {
  await nc.close();
}
