// Synthetic trend state for `npm run bench:trend -- --state 1000000`: articles, clusters,
// memberships and bins written straight into the catalog's tables (the same tables and indexes
// the stage's assignments fill), before the stream runs, so the stage and the catalog work on top
// of a catalog that already holds a million articles. Rows are generated a chunk at a time: the
// seeding itself holds no million-row array.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ArticleEntity } from '../apps/catalog/src/entities/article.entity.js';
import { CategoryEntity } from '../apps/catalog/src/entities/category.entity.js';
import { TrendBinEntity, TrendClusterEntity, TrendMemberEntity, TrendSpaceEntity } from '../apps/catalog/src/entities/trend-cluster.entities.js';
import { encodeVector } from '../apps/catalog/src/trend-cluster.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface StateOptions {
  articles: number;
  space: { name: string; dim: number };
  /** The stream starts here; the state lies in the `days` before it. */
  beforeMs: number;
  days: number;
  /** Members per cluster. */
  perCluster: number;
  seed: number;
}

export interface StateResult {
  articles: number;
  clusters: number;
  liveClusters: number;
  bins: number;
  seconds: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

interface SqliteHandle {
  prepare(sql: string): { run(...values: unknown[]): unknown };
  transaction(fn: () => void): () => void;
}

const statements = new Map<string, { run(...values: unknown[]): unknown }>();

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return JSON.stringify(value);
  return value ?? null;
}

/**
 * Rows into one table. On SQLite straight through the driver's prepared statements in one
 * transaction per chunk (TypeORM's builder costs ~20 times more CPU a row, which at a million rows
 * is minutes); values are written as TypeORM writes them (UTC `YYYY-MM-DD HH:MM:SS.SSS`, 0/1, JSON).
 * On MySQL/MariaDB through the query builder's multi-row insert.
 */
async function insert<T>(ds: DataSource, entity: new () => T, rows: Partial<T>[]): Promise<void> {
  if (rows.length === 0) return;
  if (ds.options.type !== 'better-sqlite3') {
    await ds.getRepository(entity).createQueryBuilder().insert().values(rows as never).updateEntity(false).execute();
    return;
  }
  const db = (ds.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  const meta = ds.getMetadata(entity);
  const props = Object.keys(rows[0]!);
  const columns = props.map((prop) => meta.columns.find((c) => c.propertyName === prop)!);
  const key = `${meta.tableName}:${props.join(',')}`;
  let statement = statements.get(key);
  if (!statement) {
    statement = db.prepare(`INSERT INTO ${meta.tableName} (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    statements.set(key, statement);
  }
  const run = statement;
  db.transaction(() => {
    for (const row of rows) run.run(...props.map((prop) => sqliteValue((row as Record<string, unknown>)[prop])));
  })();
}

/**
 * Clusters of `perCluster` articles each, every one active for three days somewhere in the
 * `days` before the stream (so about (7 + 3) / days of them are still live when it starts), its
 * members spread over those days, one bin row per hour that has members. Centroids are random
 * directions: no stream article is near them, but every live one is compared with every article.
 */
export async function seedTrendState(ds: DataSource, o: StateOptions): Promise<StateResult> {
  const t0 = performance.now();
  const random = rng(o.seed);
  const categories = await ds.getRepository(CategoryEntity).find({ order: { id: 'ASC' } });
  const categoryId = categories[0]!.id;
  const now = new Date();
  const clusters = Math.ceil(o.articles / o.perCluster);
  const span = 3 * DAY;
  const firstMs = o.beforeMs - o.days * DAY;
  await insert(ds, TrendSpaceEntity, [{ space: o.space.name, dim: o.space.dim, seq: 1, updatedAt: now, watermarkAt: new Date(o.beforeMs - HOUR), watermarkSetAt: now }]);
  let articleId = 0;
  let bins = 0;
  let live = 0;
  const CHUNK = 5000;
  let articles: Partial<ArticleEntity>[] = [];
  let members: Partial<TrendMemberEntity>[] = [];
  let binRows: Partial<TrendBinEntity>[] = [];
  let clusterRows: Partial<TrendClusterEntity>[] = [];
  const flush = async (all = false) => {
    if (clusterRows.length >= 200 || (all && clusterRows.length > 0)) {
      await insert(ds, TrendClusterEntity, clusterRows);
      clusterRows = [];
    }
    while (articles.length >= CHUNK || (all && articles.length > 0)) await insert(ds, ArticleEntity, articles.splice(0, CHUNK));
    while (members.length >= CHUNK || (all && members.length > 0)) await insert(ds, TrendMemberEntity, members.splice(0, CHUNK));
    while (binRows.length >= CHUNK || (all && binRows.length > 0)) await insert(ds, TrendBinEntity, binRows.splice(0, CHUNK));
  };
  for (let c = 1; c <= clusters; c++) {
    const count = Math.min(o.perCluster, o.articles - articleId);
    const startMs = firstMs + Math.floor(((c - 1) / clusters) * (o.days * DAY - span));
    const direction = new Float32Array(o.space.dim);
    let norm = 0;
    for (let i = 0; i < o.space.dim; i++) {
      direction[i] = random() - 0.5;
      norm += direction[i]! * direction[i]!;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < o.space.dim; i++) direction[i] = (direction[i]! / norm) * count;
    const perBin = new Map<number, number>();
    let lastMs = startMs;
    for (let m = 0; m < count; m++) {
      articleId++;
      const at = startMs + Math.floor((m / count) * span);
      lastMs = at;
      const bin = Math.floor(at / HOUR) * HOUR;
      perBin.set(bin, (perBin.get(bin) ?? 0) + 1);
      const when = new Date(at);
      articles.push({
        id: articleId,
        sourceId: null,
        categoryId,
        url: `https://state.example/${articleId}`,
        urlHash: createHash('sha256').update(`https://state.example/${articleId}`).digest('hex'),
        title: `state article ${articleId}`,
        summary: null,
        keyFacts: [],
        lang: 'ko',
        publishedAt: when,
        scrapedAt: when,
        textKey: null,
        textBytes: null,
        textSha256: null,
        contentHash: createHash('sha256').update(`state-${articleId}`).digest('hex'),
        createdAt: now,
      });
      members.push({ clusterId: c, articleId, similarity: 0.8, hasMedia: false, eventAt: when, assignedAt: now, part: 0 });
    }
    if (lastMs >= o.beforeMs - 7 * DAY) live++;
    clusterRows.push({
      id: c,
      space: o.space.name,
      dim: o.space.dim,
      vectorSum: encodeVector(direction),
      memberCount: count,
      mediaMemberCount: 0,
      categoryId,
      firstSeenAt: new Date(startMs),
      lastSeenAt: new Date(lastMs),
      stage: 'new',
      stageAt: null,
      trendId: null,
      representativeArticleId: null,
      representativeScore: null,
      terms: JSON.stringify([[`state${c}`, count]]),
      mergedInto: null,
      splitSum: null,
      splitCount: 0,
      splitTerms: null,
      seq: 1,
      createdAt: now,
      updatedAt: now,
    });
    for (const [bin, n] of perBin) binRows.push({ clusterId: c, binSeconds: 3600, binStart: new Date(bin), articles: n });
    bins += perBin.size;
    // Clusters before their members (foreign keys).
    if (clusterRows.length >= 200) await flush();
  }
  await flush(true);
  return { articles: articleId, clusters, liveClusters: live, bins, seconds: (performance.now() - t0) / 1000 };
}
