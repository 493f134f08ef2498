// The trend stage on a synthetic stream with planted bursts, through NATS and the real stage:
// catalog (SQLite, or MariaDB with --mysql), files and vector (usearch) run in this process on an
// isolated TestBus; the trend stage runs as a child process (its RSS is measured alone) and is
// killed with SIGKILL halfway and started again.
//
//   npm run bench:trend                                 4 days, 30 background topics, 12 bursts
//   npm run bench:trend -- --hours 120 --topics 40 --bursts 16 --seed 3 --mysql
//   npm run bench:trend -- --state 1000000              the same on top of 1M articles of state
//
// Event time (the articles' published time) drives the hourly bins, so days replay in a minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ArticleEmbeddedV1,
  CatalogArticleUpsertV1,
  CatalogTrendTransitionListV1,
  Events,
  VectorUpsertV1,
  type Envelope,
  type TrendDetectedV1,
  type VectorRowV1,
} from '#contracts';
import { FilesClient } from '#files-client';
import { decodeJson } from '#messaging';
import { TestBus } from '#testing';
import { CatalogModule } from '../apps/catalog/src/catalog.module.js';
import { HashTextEmbedder } from '../apps/embedder/src/embedding/index.js';
import { FilesModule } from '../apps/files/src/files.module.js';
import { labelTerms } from '../apps/trend/src/terms.js';
import { VectorModule } from '../apps/vector/src/vector.module.js';
import { openCatalogDatabase } from '../apps/catalog/src/database/catalog-database.js';
import { TrendEdgeEntity, TrendMemberEntity } from '../apps/catalog/src/entities/trend-cluster.entities.js';
import { In } from 'typeorm';
import { seedTrendState, type StateResult } from './trend-state.js';
import { generateStream, type StreamArticle } from './trend-stream.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const HOURS = option('hours', 96);
const WARMUP_HOURS = option('warmup', 24);
const TOPICS = option('topics', 30);
const BURSTS = option('bursts', 12);
const SEED = option('seed', 7);
const MYSQL = process.argv.includes('--mysql');
/** Articles of synthetic trend state in the catalog before the stream (0: a fresh catalog). */
const STATE = process.argv.includes('--state') ? option('state', 1_000_000) : 0;
const BIN_MS = 3_600_000;
const START = Date.parse('2026-05-01T00:00:00Z');
const STAGE_ENV: Record<string, string> = {
  TREND_BIN_MINUTES: '60',
  TREND_NEW_WINDOW_HOURS: '0',
  TREND_SIMILARITY_STANDIN: process.env.TREND_SIMILARITY_STANDIN ?? '0.45',
  TREND_PUBLISH_STAGES: 'emerging,peaking,fading',
  TREND_SWEEP_SECONDS: process.env.TREND_SWEEP_SECONDS ?? '2',
  LOG_LEVEL: 'warn',
  // Other TREND_* knobs of the stage pass through (e.g. TREND_SPLIT_MIN_MEMBERS=0, TREND_BATCH_SIZE=1).
  ...Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('TREND_') && k !== 'TREND_SIMILARITY_STANDIN' && k !== 'TREND_SWEEP_SECONDS' && v !== undefined)),
} as Record<string, string>;

const root = resolve(import.meta.dirname, '../..');
const stageMain = join(root, 'dist/apps/trend/src/main.js');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 when it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function readAll(bus: TestBus, subject: string): Promise<Envelope[]> {
  const stream = bus.ns.stream('PIPELINE');
  const wire = bus.ns.subject(subject);
  const info = await bus.jsm.streams.info(stream, { subjects_filter: wire });
  const total = info.state.subjects?.[wire] ?? 0;
  const out: Envelope[] = [];
  if (total === 0) return out;
  const consumer = await bus.js.consumers.get(stream, { filter_subjects: wire });
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: Math.min(1000, total - out.length), expires: 5000 });
    let got = 0;
    for await (const msg of batch) {
      const decoded = decodeJson(msg.data);
      if (decoded.ok) out.push(decoded.value as Envelope);
      got++;
    }
    if (got === 0) break;
  }
  return out;
}

/** Messages the trend durable has not acknowledged; Infinity until the stage has made it. */
async function backlog(bus: TestBus): Promise<number> {
  try {
    const info = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'trend');
    return info.num_pending + info.num_ack_pending;
  } catch {
    return Infinity;
  }
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const stream = generateStream({ seed: SEED, hours: HOURS, warmupHours: WARMUP_HOURS, backgroundTopics: TOPICS, bursts: BURSTS, startMs: START });
  const ko = stream.articles.filter((a) => a.lang === 'ko').length;
  say(`stream: ${stream.articles.length} articles (${ko} Korean, ${stream.articles.length - ko} English) over ${HOURS} h, ${TOPICS} background topics, ${BURSTS} planted bursts, warm-up ${WARMUP_HOURS} h`);
  for (const b of stream.bursts) {
    const t = stream.topics[b.topic]!;
    say(`  burst topic ${b.topic} "${t.keyword}" (${t.lang}) ${new Date(b.startMs).toISOString().slice(5, 16)} for ${(b.endMs - b.startMs) / BIN_MS} h: ${b.baseRate.toFixed(1)} -> ${b.burstRate.toFixed(1)}/h (x${b.factor.toFixed(1)}${b.onExisting ? ', existing topic' : ', new topic'})`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-trend-'));
  const dbUrl = MYSQL ? `mysql://root@127.0.0.1:3306/bench_trend_${randomBytes(4).toString('hex')}` : `sqlite:${join(dir, 'catalog.sqlite')}`;
  const space = { name: 'bench_text__standin-hash-ngram-v1__512', dim: 512 };
  // The state is written before the bus and the apps start: the seeding holds the event loop for
  // seconds at a time (SQLite's synchronous driver), which would let NATS connections go stale.
  let state: StateResult | null = null;
  if (STATE > 0) {
    const ds = await openCatalogDatabase(dbUrl);
    try {
      state = await seedTrendState(ds, { articles: STATE, space, beforeMs: START, days: 30, perCluster: 100, seed: SEED });
    } finally {
      await ds.destroy();
    }
    say(`state: ${state.articles} articles in ${state.clusters} clusters (${state.liveClusters} live when the stream starts), ${state.bins} bin rows, written in ${state.seconds.toFixed(1)} s (not timed)`);
  }
  const bus = await TestBus.create({ delivery: { backoff: ['200ms', '1s'] } });
  const files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
  let child: ChildProcess | null = null;
  let peakStageRss = 0;
  // CPU of the stage processes (the killed one's last reading, plus the running one's).
  let stageCpuDone = 0;
  let stageCpuNow = 0;
  const rssTimer = setInterval(() => {
    if (child?.pid) {
      peakStageRss = Math.max(peakStageRss, vmHwmMb(child.pid));
      stageCpuNow = cpuSeconds(child.pid) || stageCpuNow;
    }
  }, 200);
  try {
    await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: dbUrl, DATA_DIR: dir, LOG_LEVEL: 'warn' });
    await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir, LOG_LEVEL: 'warn' });
    await bus.startApp(VectorModule, 'vector', { VECTOR_BACKEND: 'usearch', DATA_DIR: dir, LOG_LEVEL: 'warn' });


    // Setup (not timed): each article's text file, catalog row and representative vector, as the
    // scraper and embedder leave them.
    const embedder = new HashTextEmbedder();
    const topicOf = new Map<number, number>();
    const articleAt = new Map<number, number>();
    const payloads: ArticleEmbeddedV1[] = [];
    const setupStart = performance.now();
    const rows: VectorRowV1[] = [];
    const flush = async () => {
      while (rows.length > 0) await bus.requests.request(VectorUpsertV1, { space, rows: rows.splice(0, 100) }, { timeoutMs: 60_000 });
    };
    const store = async (a: StreamArticle, n: number) => {
      const scopeId = `b${n}`;
      const at = new Date(a.at).toISOString();
      const textKey = await files.allocate({ scope: 'bench', scopeId, role: 'text', ext: 'txt' });
      const put = await files.put(textKey, a.text);
      const stored = await bus.requests.request(CatalogArticleUpsertV1, {
        url: `https://bench.example/${n}`,
        category: a.category,
        title: a.title,
        lang: a.lang,
        publishedAt: at,
        scrapedAt: at,
        textKey,
        textBytes: put.bytes,
        textSha256: put.sha256,
        contentHash: createHash('sha256').update(`${n}`).digest('hex'),
        media: [],
      });
      const [t, b] = await embedder.embedTexts([a.title, a.text]);
      const sum = t!.map((v, i) => v + b![i]!);
      const norm = Math.hypot(...sum);
      rows.push({ id: `article:${stored.articleId}`, vector: Array.from(sum, (v) => v / norm), articleId: stored.articleId, category: a.category, source: 'bench', kind: 'article', createdAt: at });
      topicOf.set(stored.articleId, a.topic);
      articleAt.set(stored.articleId, a.at);
      payloads[n] = { articleId: stored.articleId, spaces: [{ space: space.name, vectors: 1, dim: 512 }], failedParts: [], standIn: true, representative: { space: space.name, dim: 512, id: `article:${stored.articleId}` } };
    };
    for (let i = 0; i < stream.articles.length; i += 8) {
      await Promise.all(stream.articles.slice(i, i + 8).map((a, j) => store(a, i + j)));
      if (rows.length >= 100) await flush();
    }
    await flush();
    say(`setup: ${stream.articles.length} articles stored and embedded in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (not timed)`);

    let heldAgain = 0;
    let stageWarnings = 0;
    const heldLines: string[] = [];
    const warningKinds = new Set<string>();
    const startStage = async (): Promise<ChildProcess> => {
      const proc = spawn(process.execPath, [stageMain], { env: { ...process.env, ...bus.env({ ...STAGE_ENV, DATA_DIR: dir }) }, stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[trend] ${chunk}`));
      // The transport warns when the server delivers again a message the stage still holds (its
      // working() heartbeat too late for ack_wait, or a pull the transport closed and opened again).
      let partial = '';
      proc.stdout!.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (line.includes('while its earlier copy is still being handled')) {
            heldAgain++;
            if (heldLines.length < 3) heldLines.push(`${((performance.now() - t0) / 1000).toFixed(1)} s: ${line.replace(/^\S+\s+/, '').slice(0, 200)}`);
          }
          else if (/\b(WARN|ERROR)\b/.test(line)) {
            stageWarnings++;
            const text = line.replace(/^\S+\s+/, '').replace(/\d+/g, 'N').slice(0, 160);
            if (warningKinds.size < 5) warningKinds.add(text);
          }
        }
      });
      return proc;
    };

    // Publish every article.embedded (in event-time order), then let the stage run.
    const half = Math.floor(payloads.length / 2);
    for (const p of payloads) await bus.publisher.publish(ArticleEmbeddedV1, p, { key: `embedded:${p.articleId}` });
    const t0 = performance.now();
    const harnessCpu0 = process.cpuUsage();
    child = await startStage();
    let restartedAt = 0;
    let restartMs = 0;
    let firstHalfSeconds = 0;
    let redeliveriesBeforeKill = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const left = await backlog(bus);
      if (!restartedAt && left <= payloads.length - half) {
        const killAt = performance.now();
        firstHalfSeconds = (killAt - t0) / 1000;
        stageCpuNow = cpuSeconds(child.pid!) || stageCpuNow;
        const atKill = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'trend');
        redeliveriesBeforeKill = atKill.delivered.consumer_seq - (payloads.length - atKill.num_pending);
        child.kill('SIGKILL');
        stageCpuDone += stageCpuNow;
        stageCpuNow = 0;
        await new Promise<void>((done) => (child!.exitCode !== null || child!.signalCode !== null ? done() : child!.once('exit', () => done())));
        restartedAt = payloads.length - left;
        child = await startStage();
        restartMs = performance.now() - killAt;
        say(`restart: stage killed (SIGKILL) after ~${restartedAt} articles, started again`);
      }
      if (left === 0 && restartedAt) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    // Deliveries beyond one per message: the killed stage's in-flight messages coming back after
    // ack_wait, the pulls the transport lost, and copies of messages the stage still held.
    const consumerInfo = await bus.jsm.consumers.info(bus.ns.stream('PIPELINE'), 'trend');
    const redeliveries = consumerInfo.delivered.consumer_seq - payloads.length;
    const ackWaitS = (consumerInfo.config.ack_wait ?? 0) / 1e9;
    const harnessCpu = process.cpuUsage(harnessCpu0);
    peakStageRss = Math.max(peakStageRss, child.pid ? vmHwmMb(child.pid) : 0);
    const stageCpu = stageCpuDone + (cpuSeconds(child.pid!) || stageCpuNow);
    const harnessCpuS = (harnessCpu.user + harnessCpu.system) / 1e6;

    // Merges and splits the catalog recorded (its tables, read after the run).
    const edges = { merge: 0, split: 0 };
    const edgeLines: string[] = [];
    const spreadLines: string[] = [];
    let clusterCount = 0;
    {
      const ds = await openCatalogDatabase(dbUrl);
      try {
        for (const edge of await ds.getRepository(TrendEdgeEntity).find({ order: { eventAt: 'ASC', id: 'ASC' } })) {
          if (edge.kind === 'merge' || edge.kind === 'split') edges[edge.kind]++;
          edgeLines.push(`${edge.kind} ${edge.fromClusterId} -> ${edge.toClusterId} at ${edge.eventAt.toISOString().slice(5, 16)} (${edge.similarity.toFixed(2)})`);
        }
        // Where each burst's articles of its first two hours went (a topic split over clusters is
        // found late: its cluster sees only part of the rise).
        for (const b of stream.bursts) {
          const ids = [...topicOf.entries()].filter(([, t]) => t === b.topic).map(([id]) => id).filter((id) => {
            const at = articleAt.get(id)!;
            return at >= b.startMs && at < b.startMs + 2 * BIN_MS;
          });
          const by = new Map<number, number>();
          for (const m of await ds.getRepository(TrendMemberEntity).find({ select: { clusterId: true }, where: { articleId: In(ids) } })) by.set(m.clusterId, (by.get(m.clusterId) ?? 0) + 1);
          spreadLines.push(`"${stream.topics[b.topic]!.keyword}": ${[...by.entries()].sort((x, y) => y[1] - x[1]).map(([c, n]) => `cluster ${c} ${n}`).join(', ')}`);
        }
        clusterCount = Number(((await ds.query(`SELECT COUNT(*) AS n FROM trend_cluster WHERE space = '${space.name}'`)) as { n: number | string }[])[0]!.n) - (state?.clusters ?? 0);
      } finally {
        await ds.destroy();
      }
    }
    say(`clusters: ${clusterCount} opened by the stream; edges: ${edges.merge} merges, ${edges.split} splits${edgeLines.map((l) => `\n  ${l}`).join('')}`);
    say(`bursts' first two hours, by cluster:${spreadLines.map((l) => `\n  ${l}`).join('')}`);

    // Score.
    const events = (await readAll(bus, Events.TrendDetectedV1)) as Envelope<TrendDetectedV1>[];
    const { transitions } = await bus.requests.request(CatalogTrendTransitionListV1, { since: new Date(START).toISOString(), until: new Date(START + (HOURS + 48) * BIN_MS).toISOString(), limit: 1000 });
    const majority = (ids: number[]) => {
      const counts = new Map<number, number>();
      for (const id of ids) {
        const t = topicOf.get(id);
        if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;
    };
    const detections = events
      .filter((e) => e.payload.stage === 'emerging')
      .map((e) => {
        const end = Date.parse(e.payload.windowEnd);
        const t = transitions.find((x) => x.trendId === e.payload.trendId && x.toStage === 'emerging' && Date.parse(x.eventAt) >= end - BIN_MS && Date.parse(x.eventAt) < end);
        return { event: e.payload, topic: majority(e.payload.articleIds), at: t ? Date.parse(t.eventAt) : end - BIN_MS };
      });
    const warmupEnd = START + WARMUP_HOURS * BIN_MS;
    let hits = 0;
    let labelHits = 0;
    let stable = 0;
    const delays: number[] = [];
    const explained = new Set<object>();
    for (const b of stream.bursts) {
      const mine = detections.filter((d) => d.topic === b.topic && d.at >= b.startMs - BIN_MS && d.at <= b.endMs + BIN_MS).sort((x, y) => x.at - y.at);
      for (const d of mine) explained.add(d);
      const first = mine[0];
      const keyword = stream.topics[b.topic]!.keyword;
      if (!first) {
        say(`  missed: topic ${b.topic} "${keyword}"`);
        continue;
      }
      hits++;
      delays.push(Math.max(0, (first.at - b.startMs) / 60_000));
      const labels = first.event.labelTerms ?? [];
      if (labels.some((l) => l.split(' ').includes(keyword))) labelHits++;
      const ids = new Set(events.filter((e) => majority(e.payload.articleIds) === b.topic && Date.parse(e.payload.windowEnd) >= b.startMs && Date.parse(e.payload.windowEnd) <= b.endMs + 6 * BIN_MS).map((e) => e.payload.trendId));
      if (ids.size === 1) stable++;
      say(`  found: topic ${b.topic} "${keyword}" after ${((first.at - b.startMs) / 60_000).toFixed(0)} min as trend ${first.event.trendId}, labels [${labels.join(', ')}]: ${first.event.text.replace('\n', ' / ')}`);
    }
    const postWarmup = stream.articles.filter((a) => a.at >= warmupEnd).length;
    const falseAlarms = detections.filter((d) => d.at >= warmupEnd && !explained.has(d));
    for (const d of falseAlarms) say(`  false alarm: topic ${d.topic} at ${new Date(d.at).toISOString().slice(5, 16)} (cluster ${d.event.clusterId}, z ${d.event.score}, x${d.event.growth}): ${d.event.text.replace('\n', ' / ')}`);
    const result = {
      articles: stream.articles.length,
      state_articles: state?.articles ?? 0,
      state_live_clusters: state?.liveClusters ?? 0,
      korean_share: Math.round((ko / stream.articles.length) * 100) / 100,
      hours: HOURS,
      bursts: BURSTS,
      dialect: MYSQL ? 'mysql' : 'sqlite',
      recall: Math.round((hits / BURSTS) * 1000) / 1000,
      median_delay_min: Math.round(median(delays)),
      false_alarms_per_1k_articles: Math.round((falseAlarms.length / postWarmup) * 1000 * 100) / 100,
      false_alarms: falseAlarms.length,
      id_stability: hits === 0 ? 0 : Math.round((stable / hits) * 1000) / 1000,
      label_hit: hits === 0 ? 0 : Math.round((labelHits / hits) * 1000) / 1000,
      articles_per_s: Math.round(stream.articles.length / seconds),
      // The first half alone (start to the SIGKILL): the steady rate, without the wait of the
      // killed stage's in-flight messages for their ack_wait before they come again.
      articles_per_s_first_half: Math.round(restartedAt / firstHalfSeconds),
      // From the restart to the end: the restarted stage, and the wait for the killed one's messages.
      articles_per_s_second_half: Math.round((payloads.length - restartedAt) / (seconds - firstHalfSeconds)),
      redeliveries,
      // Of which before the SIGKILL (not the killed stage's messages), and those the stage still
      // held when they came again (settled by the first copy, not handled twice).
      redeliveries_before_kill: redeliveriesBeforeKill,
      redelivered_while_held: heldAgain,
      stage_warnings: stageWarnings,
      ack_wait_s: ackWaitS,
      // CPU the work cost, whatever else the machine runs: the stage, and the harness process
      // (catalog, files and vector apps, plus the bench's own polling); NATS not included.
      stage_cpu_s: Math.round(stageCpu * 10) / 10,
      harness_cpu_s: Math.round(harnessCpuS * 10) / 10,
      cpu_ms_per_article: Math.round(((stageCpu + harnessCpuS) / stream.articles.length) * 1000 * 100) / 100,
      stage_seconds: Math.round(seconds * 10) / 10,
      restart_ms: Math.round(restartMs),
      peak_rss_mb: Math.round(peakStageRss),
      harness_peak_rss_mb: Math.round(vmHwmMb(process.pid)),
      detections: detections.length,
      clusters: clusterCount,
      merges: edges.merge,
      splits: edges.split,
      similarity: Number(STAGE_ENV.TREND_SIMILARITY_STANDIN),
      cpus: cpus().length,
      load_avg_1m: Math.round(loadavg()[0]! * 100) / 100,
    };
    say(`recall ${result.recall}, median delay ${result.median_delay_min} min, false alarms ${result.false_alarms_per_1k_articles}/1k articles, id stability ${result.id_stability}, label hit ${result.label_hit}`);
    say(`CPU: stage ${result.stage_cpu_s} s, harness (catalog, files, vector) ${result.harness_cpu_s} s: ${result.cpu_ms_per_article} ms per article`);
    say(`${result.articles_per_s} articles/s through the stage, whole run (${result.stage_seconds} s with the restart); steady ${result.articles_per_s_first_half}/s in the first half (start to SIGKILL), ${result.articles_per_s_second_half}/s from the restart to the end (ack_wait ${ackWaitS} s, ${redeliveries} redeliveries, ${redeliveriesBeforeKill} of them before the SIGKILL, ${heldAgain} while the stage still held the message)`);
    if (heldLines.length > 0) say(`delivered again while held (first ${heldLines.length}; the SIGKILL at ${firstHalfSeconds.toFixed(1)} s):${heldLines.map((l) => `\n  ${l}`).join('')}`);
    if (stageWarnings > 0) say(`stage warnings and errors: ${stageWarnings}${[...warningKinds].map((w) => `\n  ${w}`).join('')}`);
    say(`stage peak RSS ${result.peak_rss_mb} MB (harness with catalog, files, vector: ${result.harness_peak_rss_mb} MB)`);
    void labelTerms;
    say(JSON.stringify(result));
  } finally {
    clearInterval(rssTimer);
    // The last stage stops as in a deployment (SIGTERM, so a --cpu-prof in NODE_OPTIONS is written), killed if it hangs.
    if (child && child.exitCode === null && child.signalCode === null) {
      const running = child;
      const exited = new Promise<void>((done) => running.once('exit', () => done()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    files.close();
    await bus.close();
    if (MYSQL) await (await import('#database')).dropDatabase(dbUrl).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
