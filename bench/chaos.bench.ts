// npm run chaos -- [--articles 1000] [--outage-s 300] [--sources 10] [--timeout-s 3600]
//
// The whole pipeline (catalog, files, vector, embedder, logger, scraper as separate processes) on a
// private nats-server and MariaDB databases of its own, scraping a generated site with an image
// per article, while everything that can go wrong on an operator's bad day does: SIGKILL of every
// app, a nats-server restart, the catalog's MariaDB connections killed, an outage of each owner
// longer than the retry budget, and a JetStream gap (the server frozen). Ends with one JSON line.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArticleEmbeddedV1, ArticleStoredV1, Events, ScrapeRequestedV1, type Envelope } from '#contracts';
import { dropDatabase } from '#database';
import { connectNats, EventPublisher, loadTopology, Namespace, provisionTopology } from '#messaging';
import { freePort, prng } from '#testing';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import sharp from 'sharp';
import { parse, stringify } from 'yaml';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '1000' },
    'outage-s': { type: 'string', default: '300' },
    sources: { type: 'string', default: '10' },
    'timeout-s': { type: 'string', default: '3600' },
    keep: { type: 'boolean', default: false },
  },
});
const ARTICLES = Number(values.articles);
const OUTAGE_MS = Number(values['outage-s']) * 1000;
const SOURCES = Number(values.sources);
const TIMEOUT_MS = Number(values['timeout-s']) * 1000;
const root = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');
const started = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------- the generated site
const WORDS = readFileSync(join(root, 'README.md'), 'utf8')
  .toLowerCase()
  .split(/[^a-z]+/)
  .filter((w) => w.length >= 4 && w.length <= 12);
const vocabulary = [...new Set(WORDS)];

function articleText(i: number): string {
  const random = prng(1000 + i);
  const sentence = (): string => {
    const words = Array.from({ length: 12 + Math.floor(random() * 10) }, () => vocabulary[Math.floor(random() * vocabulary.length)]!);
    return `${words.join(' ')}.`;
  };
  return Array.from({ length: 4 }, () => `<p>Report ${i}: ${Array.from({ length: 4 }, sentence).join(' ')}</p>`).join('');
}

async function startSite(): Promise<{ server: Server; origin: string }> {
  const images = new Map<number, Buffer>();
  const image = async (i: number): Promise<Buffer> => {
    let png = images.get(i);
    if (!png) {
      const shade = (i * 37) % 256;
      png = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: shade, g: 255 - shade, b: (i * 11) % 256 } } }).png().toBuffer();
      images.set(i, png);
    }
    return png;
  };
  const perSource = Math.ceil(ARTICLES / SOURCES);
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const sitemap = /^\/s(\d+)\/sitemap\.xml$/.exec(path);
      const article = /^\/a\/(\d+)\.html$/.exec(path);
      const picture = /^\/img\/(\d+)\.png$/.exec(path);
      if (path === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
      } else if (sitemap) {
        const s = Number(sitemap[1]);
        const urls: string[] = [];
        for (let i = s * perSource; i < Math.min(ARTICLES, (s + 1) * perSource); i++) urls.push(`<url><loc>http://${req.headers.host}/a/${i}.html</loc></url>`);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`);
      } else if (article && Number(article[1]) < ARTICLES) {
        const i = Number(article[1]);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chaos article ${i}</title></head><body><main><article>` +
            `<h1>Chaos article ${i}</h1><img src="/img/${i}.png" alt="picture ${i}">${articleText(i)}</article></main></body></html>`,
        );
      } else if (picture) {
        res.writeHead(200, { 'content-type': 'image/png' }).end(await image(Number(picture[1])));
      } else {
        res.writeHead(404).end();
      }
    })().catch(() => res.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

// ---------------------------------------------------------------- processes
const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
const logDir = join(dir, 'logs');
mkdirSync(logDir);

class Nats {
  child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly conf: string,
  ) {}
  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-c', this.conf], { stdio: ['ignore', 'ignore', openSync(join(logDir, 'nats.log'), 'a')] });
    for (let i = 0; i < 100; i++) {
      try {
        const nc = await connectNats({ url: `nats://127.0.0.1:${this.port}`, app: 'chaos-probe' });
        await nc.close();
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('the private nats-server did not start');
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}

class App {
  child: ChildProcess | null = null;
  /** Unexpected exits (an app that failed to start during a fault), restarted like a pod. */
  crashes = 0;
  private down = false;
  constructor(
    readonly name: string,
    readonly env: Record<string, string>,
  ) {}
  start(): void {
    this.down = false;
    const log = openSync(join(logDir, `${this.name}.log`), 'a');
    const child = spawn(process.execPath, [join(root, 'dist/apps', this.name, 'src/main.js')], {
      cwd: root,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', log, log],
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child !== child || this.down) return;
      this.crashes++;
      this.child = null;
      setTimeout(() => {
        if (!this.down && !this.child) this.start();
      }, 2000);
    });
  }
  async stop(signal: NodeJS.Signals): Promise<void> {
    this.down = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}

async function killCatalogConnections(database: string): Promise<number> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    const [rows] = await connection.query('SELECT id FROM information_schema.processlist WHERE db = ?', [database]);
    for (const row of rows as { id: number }[]) await connection.query(`KILL ${Number(row.id)}`).catch(() => undefined);
    return (rows as unknown[]).length;
  } finally {
    await connection.end();
  }
}

async function catalogFigures(database: string): Promise<{ rows: number; withText: number; distinctUrls: number; media: number }> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database });
  try {
    const [[a]] = (await connection.query(
      'SELECT COUNT(*) AS rows_, SUM(text_key IS NOT NULL) AS withText, COUNT(DISTINCT url) AS urls FROM article',
    )) as unknown as [[{ rows_: number; withText: number; urls: number }]];
    const [[m]] = (await connection.query('SELECT COUNT(*) AS n FROM media')) as unknown as [[{ n: number }]];
    return { rows: Number(a.rows_), withText: Number(a.withText ?? 0), distinctUrls: Number(a.urls), media: Number(m.n) };
  } finally {
    await connection.end();
  }
}

async function logFigures(database: string): Promise<{ events: number; deadLetters: number }> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database });
  try {
    const count = async (table: string): Promise<number> => Number(((await connection.query(`SELECT COUNT(*) AS n FROM \`${table}\``))[0] as { n: number }[])[0]!.n);
    return { events: await count('event_log'), deadLetters: await count('dead_letter_log') };
  } finally {
    await connection.end();
  }
}

/** Every event of the given subjects in the stream, read once at the end (works on nats-server 2.9). */
async function streamEvents(jsm: JetStreamManager, subjects: string[]): Promise<Map<string, Envelope[]>> {
  const info = await jsm.streams.info('PIPELINE');
  const out = new Map<string, Envelope[]>(subjects.map((s) => [s, []]));
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage('PIPELINE', { seq }).catch(() => null);
    if (msg && out.has(msg.subject)) out.get(msg.subject)!.push(msg.json<Envelope>());
  }
  return out;
}

async function subjectCount(jsm: JetStreamManager, subject: string): Promise<number> {
  const info = await jsm.streams.info('PIPELINE', { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

// ---------------------------------------------------------------- the run
async function main(): Promise<void> {
  const site = await startSite();
  const port = await freePort();
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: 127.0.0.1:${port}\nmax_payload: 1MB\njetstream { store_dir: "${join(dir, 'nats')}"\n max_file_store: 4GB\n max_memory_store: 128MB }\n`);
  const nats = new Nats(port, conf);
  await nats.start();
  const natsUrl = `nats://127.0.0.1:${port}`;
  say(`private nats-server on ${natsUrl}; site ${site.origin} with ${ARTICLES} articles in ${SOURCES} sitemaps; outages of ${OUTAGE_MS / 1000} s`);

  // Stream config of the repo; the retry budget scaled below the outage so that an outage is
  // longer than the whole budget (the old code dead-lettered everything in flight then).
  const configDir = join(dir, 'config');
  cpSync(join(root, 'config'), configDir, { recursive: true });
  const streams = parse(readFileSync(join(configDir, 'streams.yaml'), 'utf8')) as { delivery: Record<string, unknown> };
  const budgetS = Math.max(4, Math.floor(OUTAGE_MS / 1000 / 4));
  streams.delivery.backoff = [`1s`, `${Math.ceil(budgetS / 4)}s`, `${Math.ceil(budgetS / 2)}s`, `${budgetS}s`];
  writeFileSync(join(configDir, 'streams.yaml'), stringify(streams));
  for (const file of readdirSync(join(configDir, 'apps')).filter((f) => f.endsWith('.yaml'))) {
    const declaration = parse(readFileSync(join(configDir, 'apps', file), 'utf8')) as { consumers?: Record<string, unknown>[] };
    for (const entry of declaration.consumers ?? []) if (entry.backoff) entry.backoff = streams.delivery.backoff;
    writeFileSync(join(configDir, 'apps', file), stringify(declaration));
  }
  const budget = (streams.delivery.backoff as string[]).reduce((sum, d) => sum + Number.parseInt(d, 10), 0);
  say(`retry budget ${budget} s (backoff ${(streams.delivery.backoff as string[]).join(', ')}), outage ${OUTAGE_MS / 1000} s`);

  let nc = await connectNats({ url: natsUrl, app: 'chaos' });
  let jsm = await jetstreamManager(nc);
  await provisionTopology(jsm, loadTopology(join(configDir, 'streams.yaml')), new Namespace(''));

  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const catalogDb = `chaos_catalog_${suffix}`;
  const logDb = `chaos_logs_${suffix}`;
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(
    sourcesFile,
    stringify({
      sources: Array.from({ length: SOURCES }, (_, s) => ({
        id: `chaos-${s}`,
        kind: 'sitemap',
        url: `${site.origin}/s${s}/sitemap.xml`,
        schedule: '24h',
        allowPrivate: true,
        maxArticles: Math.ceil(ARTICLES / SOURCES),
      })),
    }),
  );
  const common = {
    NATS_URL: natsUrl,
    DATA_DIR: dir,
    STREAMS_CONFIG: join(configDir, 'streams.yaml'),
    LOG_LEVEL: 'warn',
    CATALOG_DB_URL: `mysql://root@127.0.0.1:3306/${catalogDb}`,
    LOG_DB_URL: `mysql://root@127.0.0.1:3306/${logDb}`,
    FILES_ROOT: join(dir, 'files'),
    // One secret across files restarts, as replicas share it: grants handed out before a SIGKILL stay valid.
    FILES_TOKEN: randomBytes(32).toString('hex'),
    VECTOR_BACKEND: 'usearch',
    VECTOR_DIR: join(dir, 'vector'),
    SCRAPER_SOURCES: sourcesFile,
    SCRAPER_SCHEDULER: 'off',
    SCRAPER_HOST_DELAY: '0ms',
    SCRAPER_TMP_DIR: join(dir, 'tmp'),
    FILES_SCRAPED_MIN_AGE_SECONDS: '999999999',
  };
  mkdirSync(join(dir, 'tmp'));
  const names = ['catalog', 'files', 'vector', 'logger', 'embedder', 'scraper'];
  const apps = new Map(names.map((name) => [name, new App(name, common)]));
  // Faults start once the owners answer: a SIGKILL in the catalog's first boot lands in its
  // migrations, which MariaDB cannot roll back (DDL commits), and that is another test.
  const ready = async (owner: string, timeoutMs = 300_000): Promise<void> => {
    const since = Date.now();
    while (Date.now() - since < timeoutMs) {
      try {
        await nc.request(`${owner}.ping.v1`, new TextEncoder().encode('{}'), { timeout: 2000 });
        say(`${owner} answers (${((Date.now() - since) / 1000).toFixed(1)} s)`);
        return;
      } catch {
        await sleep(1000);
      }
    }
    throw new Error(`${owner} did not answer ${owner}.ping.v1 within ${timeoutMs / 1000} s; see ${logDir}/${owner}.log`);
  };
  apps.get('catalog')!.start();
  await ready('catalog');
  for (const name of names.slice(1)) apps.get(name)!.start();
  for (const owner of ['files', 'vector']) await ready(owner);
  await sleep(4000);

  const publisher = new EventPublisher(jetstream(nc), new Namespace(''), 'chaos');
  for (let s = 0; s < SOURCES; s++) await publisher.publish(ScrapeRequestedV1, { sourceId: `chaos-${s}`, requestedBy: 'chaos' }, { key: `chaos-${s}` });
  say(`${SOURCES} scrape commands published`);

  const faults: string[] = [];
  const fault = (what: string): void => {
    faults.push(what);
    say(`FAULT ${what}`);
  };
  const progress = async (): Promise<string> => {
    try {
      return `stored events ${await subjectCount(jsm, Events.ArticleStoredV1)}, embedded events ${await subjectCount(jsm, Events.ArticleEmbeddedV1)}`;
    } catch (error) {
      return `(stream not readable: ${(error as Error).message})`;
    }
  };

  const schedule = async (): Promise<void> => {
    await sleep(8000);
    for (const name of names) {
      fault(`SIGKILL ${name}`);
      await apps.get(name)!.stop('SIGKILL');
      await sleep(1000);
      apps.get(name)!.start();
      await sleep(4000);
    }
    say(await progress());
    fault('nats-server restart');
    await nc.close().catch(() => undefined);
    await nats.stop('SIGKILL');
    await sleep(3000);
    await nats.start();
    nc = await connectNats({ url: natsUrl, app: 'chaos' });
    jsm = await jetstreamManager(nc);
    await sleep(5000);
    // The catalog may still be booting after its SIGKILL: wait until it holds connections to kill.
    let killed = 0;
    for (let i = 0; i < 30 && killed === 0; i++) {
      killed = await killCatalogConnections(catalogDb);
      if (killed === 0) await sleep(1000);
    }
    fault(`MariaDB: killed ${killed} catalog connections`);
    await sleep(5000);
    fault('JetStream gap: nats-server frozen (SIGSTOP) for 8 s');
    nats.child!.kill('SIGSTOP');
    await sleep(8000);
    nats.child!.kill('SIGCONT');
    await sleep(5000);
    say(await progress());
    for (const owner of ['catalog', 'files', 'vector']) {
      fault(`${owner} down for ${OUTAGE_MS / 1000} s`);
      await apps.get(owner)!.stop('SIGTERM');
      await sleep(OUTAGE_MS);
      apps.get(owner)!.start();
      say(`${owner} back; ${await progress()}`);
      await sleep(5000);
    }
    fault('logger database connections killed');
    await killCatalogConnections(logDb);
  };
  const chaos = schedule();

  let done = false;
  const deadline = started + TIMEOUT_MS;
  await chaos;
  while (!done && Date.now() < deadline) {
    await sleep(5000);
    try {
      const embedded = await subjectCount(jsm, Events.ArticleEmbeddedV1);
      const info = await jsm.consumers.info('PIPELINE', 'logger');
      const embedder = await jsm.consumers.info('PIPELINE', 'embedder');
      const scraper = await jsm.consumers.info('PIPELINE', 'scraper');
      const quiet = info.num_pending === 0 && info.num_ack_pending === 0 && embedder.num_pending === 0 && embedder.num_ack_pending === 0 && scraper.num_ack_pending === 0 && scraper.num_pending === 0;
      say(`${await progress()}; pending scraper ${scraper.num_pending}+${scraper.num_ack_pending}, embedder ${embedder.num_pending}+${embedder.num_ack_pending}, logger ${info.num_pending}+${info.num_ack_pending}`);
      done = quiet && embedded >= ARTICLES;
      if (quiet && embedded < ARTICLES) {
        // Nothing left in flight: what is missing will not come.
        await sleep(10_000);
        const again = await jsm.consumers.info('PIPELINE', 'scraper');
        if (again.num_pending === 0 && again.num_ack_pending === 0 && (await subjectCount(jsm, Events.ArticleEmbeddedV1)) === embedded) break;
      }
    } catch (error) {
      say(`waiting: ${(error as Error).message}`);
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000);

  const events = await streamEvents(jsm, [Events.ArticleStoredV1, Events.ArticleEmbeddedV1]);
  const storedEvents = events.get(Events.ArticleStoredV1)!;
  const embeddedEvents = events.get(Events.ArticleEmbeddedV1)!;
  const announced = new Set(storedEvents.map((e) => ArticleStoredV1.schema.parse(e.payload).articleId));
  const embedded = new Set(embeddedEvents.map((e) => ArticleEmbeddedV1.schema.parse(e.payload).articleId));
  const dlq = (await jsm.streams.info('DLQ')).state.messages;
  const catalog = await catalogFigures(catalogDb);
  const logs = await logFigures(logDb);
  const pipelineEvents = (await jsm.streams.info('PIPELINE')).state.messages;
  const figures = {
    articles: ARTICLES,
    outageS: OUTAGE_MS / 1000,
    retryBudgetS: budget,
    expected: ARTICLES,
    stored: catalog.withText,
    announced: announced.size,
    embedded: embedded.size,
    catalogRows: catalog.rows,
    duplicates: catalog.rows - catalog.distinctUrls + (storedEvents.length - announced.size),
    storedEvents: storedEvents.length,
    embeddedEvents: embeddedEvents.length,
    deadLetters: dlq,
    logDeadLetters: logs.deadLetters,
    logEvents: logs.events,
    pipelineEvents,
    storedEventsPerArticle: Number((storedEvents.length / Math.max(1, announced.size)).toFixed(3)),
    embeddedEventsPerArticle: Number((embeddedEvents.length / Math.max(1, embedded.size)).toFixed(3)),
    faults: faults.length,
    appRestartsAfterCrash: [...apps.values()].reduce((n, app) => n + app.crashes, 0),
    seconds,
  };
  say(`faults: ${faults.join('; ')}`);
  say(`logs of every process in ${logDir}`);
  for (const app of apps.values()) await app.stop('SIGTERM');
  await nc.close().catch(() => undefined);
  await nats.stop();
  site.server.close();
  if (!values.keep) {
    await dropDatabase(common.CATALOG_DB_URL).catch(() => undefined);
    await dropDatabase(common.LOG_DB_URL).catch(() => undefined);
    rmSync(join(dir, 'files'), { recursive: true, force: true });
    rmSync(join(dir, 'nats'), { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

await main();
