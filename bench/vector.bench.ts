// Vector search benchmark: the embedded usearch backend (HNSW) against exact scans in the same
// run, plus the Milvus backend when a server answers at MILVUS_ADDRESS.
//
//   npm run bench:vector
//
// Data: N clustered, normalised vectors (cluster centres, a low-dimensional spread per cluster
// and isotropic noise, as text and image embeddings look), from a seeded PRNG, so every run sees
// the same data. Queries are perturbed dataset points. Ground truth is the exact top 10 by cosine.
// Sizes: BENCH_N (100000), BENCH_DIM (384), BENCH_QUERIES (200), BENCH_CLUSTERS (300).
// Index settings come from the same variables the service reads (USEARCH_*, MILVUS_*); for Milvus
// the index type defaults to IVF_FLAT here, which milvus-lite supports (HNSW it does not).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exactSearch, MetricKind, type Matches } from 'usearch';
import { MilvusBackend } from '../apps/vector/src/backends/milvus.backend.js';
import { UsearchBackend } from '../apps/vector/src/backends/usearch.backend.js';
import type { VectorBackend, VectorRow, VectorSpace } from '../apps/vector/src/backends/vector-backend.js';
import { loadVectorConfig } from '../apps/vector/src/vector.config.js';
import { prng } from '#testing';

function envInt(name: string, fallback: number): number {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const N = envInt('BENCH_N', 100_000);
const DIM = envInt('BENCH_DIM', 384);
const QUERIES = envInt('BENCH_QUERIES', 200);
const CLUSTERS = envInt('BENCH_CLUSTERS', 300);
const K = 10;
const SPREAD_RANK = 12;
const BATCH = 5000;

function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function normaliseInPlace(matrix: Float32Array, row: number, dim: number): void {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += matrix[row * dim + i]! ** 2;
  const norm = Math.sqrt(sum);
  for (let i = 0; i < dim; i++) matrix[row * dim + i]! /= norm;
}

interface Dataset {
  vectors: Float32Array;
  queries: Float32Array;
}

function makeDataset(): Dataset {
  const gauss = gaussian(prng(20250101));
  const centres = new Float32Array(CLUSTERS * DIM);
  const spreads = new Float32Array(CLUSTERS * SPREAD_RANK * DIM);
  for (let c = 0; c < CLUSTERS; c++) {
    for (let i = 0; i < DIM; i++) centres[c * DIM + i] = gauss();
    normaliseInPlace(centres, c, DIM);
    // Each cluster varies along a few directions of its own (topics within a topic).
    for (let r = 0; r < SPREAD_RANK; r++) {
      const row = c * SPREAD_RANK + r;
      for (let i = 0; i < DIM; i++) spreads[row * DIM + i] = gauss();
      normaliseInPlace(spreads, row, DIM);
    }
  }
  const vectors = new Float32Array(N * DIM);
  const z = new Float32Array(SPREAD_RANK);
  // Clusters drawn at random, so the metadata of rows() (a function of n) is independent of
  // content and the filtered figure measures a filter matching a quarter of any neighbourhood.
  const assign = prng(99);
  for (let n = 0; n < N; n++) {
    const c = Math.floor(assign() * CLUSTERS);
    for (let r = 0; r < SPREAD_RANK; r++) z[r] = 0.2 * gauss();
    const base = n * DIM;
    for (let i = 0; i < DIM; i++) {
      let value = centres[c * DIM + i]! + 0.02 * gauss();
      for (let r = 0; r < SPREAD_RANK; r++) value += z[r]! * spreads[(c * SPREAD_RANK + r) * DIM + i]!;
      vectors[base + i] = value;
    }
    normaliseInPlace(vectors, n, DIM);
  }
  const pick = prng(7);
  const queries = new Float32Array(QUERIES * DIM);
  for (let q = 0; q < QUERIES; q++) {
    const n = Math.floor(pick() * N);
    for (let i = 0; i < DIM; i++) queries[q * DIM + i] = vectors[n * DIM + i]! + 0.01 * gauss();
    normaliseInPlace(queries, q, DIM);
  }
  return { vectors, queries };
}

// A copy, not a subarray: usearch's native code reads a typed array from the start of its buffer,
// ignoring byteOffset.
function query(dataset: Dataset, q: number): Float32Array {
  return dataset.queries.slice(q * DIM, (q + 1) * DIM);
}

/** The plain exact reference: one pass over every vector, keeping the best K. */
function scanTopK(vectors: Float32Array, q: Float32Array): number[] {
  const bestScore = new Float64Array(K).fill(-Infinity);
  const bestIndex = new Int32Array(K).fill(-1);
  for (let n = 0, base = 0; n < N; n++, base += DIM) {
    let score = 0;
    for (let i = 0; i < DIM; i++) score += vectors[base + i]! * q[i]!;
    if (score <= bestScore[K - 1]!) continue;
    let at = K - 1;
    while (at > 0 && bestScore[at - 1]! < score) {
      bestScore[at] = bestScore[at - 1]!;
      bestIndex[at] = bestIndex[at - 1]!;
      at--;
    }
    bestScore[at] = score;
    bestIndex[at] = n;
  }
  return Array.from(bestIndex);
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function recallAt10(found: readonly number[][], truth: readonly number[][]): number {
  let hits = 0;
  found.forEach((ids, q) => {
    const wanted = new Set(truth[q]);
    hits += ids.filter((id) => wanted.has(id)).length;
  });
  return hits / (truth.length * K);
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function createdAt(n: number): Date {
  return new Date(Date.UTC(2025, 0, 1) + n * 60_000);
}

function rows(dataset: Dataset, start: number, end: number): VectorRow[] {
  const out: VectorRow[] = [];
  for (let n = start; n < end; n++) {
    out.push({
      id: `media:${n}`,
      vector: dataset.vectors.subarray(n * DIM, (n + 1) * DIM),
      articleId: Math.floor(n / 4),
      category: ['life', 'economy', 'gossip'][n % 3]!,
      source: `source-${n % 50}`,
      kind: n % 4 === 0 ? 'text' : 'image',
      createdAt: createdAt(n),
    });
  }
  return out;
}

interface BackendFigures {
  build_s: number;
  p50_ms: number;
  p99_ms: number;
  recall_at_10: number;
  filtered_p50_ms: number;
  filtered_5pct_p50_ms: number;
}

async function build(backend: VectorBackend, space: VectorSpace, dataset: Dataset): Promise<number> {
  const start = performance.now();
  for (let at = 0; at < N; at += BATCH) {
    await backend.upsert(space, rows(dataset, at, Math.min(N, at + BATCH)));
  }
  const count = await backend.count(space);
  if (count !== N) throw new Error(`${backend.backendName}: count ${count} after inserting ${N}`);
  return (performance.now() - start) / 1000;
}

/**
 * Times the backend's searches; `beside(q)` runs right before each one (the exact scans), so that
 * both see the same machine load when other work shares the cores.
 */
async function queryFigures(
  backend: VectorBackend,
  space: VectorSpace,
  dataset: Dataset,
  truth: number[][],
  beside: (q: number) => void = () => {},
): Promise<Omit<BackendFigures, 'build_s'>> {
  for (let q = 0; q < Math.min(20, QUERIES); q++) await backend.search(space, query(dataset, q), { k: K });
  const times: number[] = [];
  const found: number[][] = [];
  for (let q = 0; q < QUERIES; q++) {
    beside(q);
    const vector = query(dataset, q);
    const start = performance.now();
    const hits = await backend.search(space, vector, { k: K });
    times.push(performance.now() - start);
    found.push(hits.map((hit) => Number(hit.id.slice('media:'.length))));
  }
  const filtered: number[] = [];
  const selective: number[] = [];
  // The newest 5% of rows: too many for the exact path, few enough to make the index over-fetch.
  const lastFivePercent = { since: createdAt(Math.floor(N * 0.95)) };
  for (let q = 0; q < Math.min(50, QUERIES); q++) {
    const vector = query(dataset, q);
    let start = performance.now();
    const hits = await backend.search(space, vector, { k: K, filter: { category: 'economy', kinds: ['image'] } });
    filtered.push(performance.now() - start);
    if (hits.length !== K || hits.some((hit) => hit.category !== 'economy' || hit.kind !== 'image')) {
      throw new Error(`${backend.backendName}: the category+kind filter returned wrong rows`);
    }
    start = performance.now();
    const recent = await backend.search(space, vector, { k: K, filter: lastFivePercent });
    selective.push(performance.now() - start);
    if (recent.length !== K || recent.some((hit) => hit.createdAt < lastFivePercent.since)) {
      throw new Error(`${backend.backendName}: the time-window filter returned wrong rows`);
    }
  }
  return {
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    recall_at_10: round(recallAt10(found, truth), 4),
    filtered_p50_ms: round(percentile(filtered, 50)),
    filtered_5pct_p50_ms: round(percentile(selective, 50)),
  };
}

async function milvusFigures(dataset: Dataset, truth: number[][]): Promise<(BackendFigures & { index: string }) | string> {
  const config = loadVectorConfig({
    ...process.env,
    VECTOR_BACKEND: 'milvus',
    MILVUS_INDEX_TYPE: process.env['MILVUS_INDEX_TYPE'] ?? 'IVF_FLAT',
  });
  if (config.backend !== 'milvus') throw new Error('unreachable');
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const backend = new MilvusBackend({ ...config.milvus, logger: quiet });
  try {
    await backend.connect();
  } catch (error) {
    await backend.close();
    return `skipped: nothing answers at ${config.milvus.address} (start one with scripts/milvus.sh start)`;
  }
  const space: VectorSpace = { name: `bench__vector-${process.pid}-${Date.now()}__${DIM}`, dim: DIM, metric: 'cosine' };
  try {
    const buildSeconds = await build(backend, space, dataset);
    const figures = await queryFigures(backend, space, dataset, truth);
    return { build_s: round(buildSeconds, 2), ...figures, index: config.milvus.indexType };
  } finally {
    await backend.dropSpace(space).catch(() => undefined);
    await backend.close();
  }
}

async function main(): Promise<void> {
  console.log(`vector bench: ${N} x ${DIM} vectors in ${CLUSTERS} clusters, ${QUERIES} queries, recall@${K}`);
  let t = performance.now();
  const dataset = makeDataset();
  console.log(`  data generated in ${round((performance.now() - t) / 1000, 2)} s`);

  const dataDir = mkdtempSync(join(tmpdir(), 'vector-bench-'));
  const config = loadVectorConfig({ ...process.env, VECTOR_BACKEND: 'usearch', VECTOR_DIR: dataDir });
  if (config.backend !== 'usearch') throw new Error('unreachable');
  const usearchOptions = { ...config.usearch, saveDebounceMs: 600_000, saveMaxWaitMs: 600_000 };
  const space: VectorSpace = { name: `bench__vector__${DIM}`, dim: DIM, metric: 'cosine' };
  const scanTimes: number[] = [];
  const simdTimes: number[] = [];
  const truth: number[][] = [];
  let disagreements = 0;
  let usearch: BackendFigures;
  let saveSeconds: number;
  let reopenSeconds: number;
  try {
    const backend = await UsearchBackend.open(usearchOptions);
    const buildSeconds = await build(backend, space, dataset);
    console.log(`  usearch backend built in ${round(buildSeconds, 1)} s`);
    // The exact scans run beside each indexed search; the plain scan's answers are the truth
    // that recall is computed against once all queries have run.
    const figures = await queryFigures(backend, space, dataset, truth, (q) => {
      const vector = query(dataset, q);
      let start = performance.now();
      truth.push(scanTopK(dataset.vectors, vector));
      scanTimes.push(performance.now() - start);
      start = performance.now();
      // Exact reference 2: usearch's SIMD exact search, one query on one thread.
      const exact = exactSearch(dataset.vectors, vector, DIM, K, MetricKind.IP, 1) as Matches;
      simdTimes.push(performance.now() - start);
      if (Number(exact.keys[0]) !== truth[q]![0]) disagreements++;
    });
    usearch = { build_s: round(buildSeconds, 2), ...figures };
    if (disagreements > QUERIES * 0.02) throw new Error(`the two exact scans disagree on ${disagreements} top-1 answers`);
    t = performance.now();
    await backend.close();
    saveSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const reopened = await UsearchBackend.open(usearchOptions);
    reopenSeconds = (performance.now() - t) / 1000;
    const again = await reopened.search(space, query(dataset, 0), { k: K });
    if (Number(again[0]!.id.slice('media:'.length)) !== truth[0]![0]) throw new Error('the reloaded index answers differently');
    await reopened.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  t = performance.now();
  const milvus = await milvusFigures(dataset, truth);
  const milvusSeconds = (performance.now() - t) / 1000;

  const scanP50 = percentile(scanTimes, 50);
  const simdP50 = percentile(simdTimes, 50);
  const o = config.usearch;
  console.log('');
  console.log(`  exact scan (JS loop, 1 thread)     p50 ${round(scanP50, 2)} ms   p99 ${round(percentile(scanTimes, 99), 2)} ms`);
  console.log(`  exact scan (usearch SIMD, 1 thr)   p50 ${round(simdP50, 2)} ms   p99 ${round(percentile(simdTimes, 99), 2)} ms`);
  console.log(
    `  usearch backend HNSW M=${o.connectivity} efC=${o.expansionAdd} ef=${o.expansionSearch}: build ${usearch.build_s} s, ` +
      `p50 ${usearch.p50_ms} ms, p99 ${usearch.p99_ms} ms, recall@10 ${usearch.recall_at_10}, ` +
      `filtered p50 ${usearch.filtered_p50_ms} ms (25% match) / ${usearch.filtered_5pct_p50_ms} ms (5% match), save ${round(saveSeconds, 2)} s, reopen ${round(reopenSeconds, 2)} s`,
  );
  console.log(
    `  speed-up vs scan: ${round(scanP50 / usearch.p50_ms, 1)}x (JS scan), ${round(simdP50 / usearch.p50_ms, 1)}x (SIMD scan)`,
  );
  if (typeof milvus === 'string') {
    console.log(`  milvus: ${milvus}`);
  } else {
    console.log(
      `  milvus backend ${milvus.index}: build ${milvus.build_s} s, p50 ${milvus.p50_ms} ms, p99 ${milvus.p99_ms} ms, ` +
        `recall@10 ${milvus.recall_at_10}, filtered p50 ${milvus.filtered_p50_ms} ms (25%) / ${milvus.filtered_5pct_p50_ms} ms (5%) ` +
        `(${round(milvusSeconds, 1)} s in all)`,
    );
  }
  const targets = usearch.recall_at_10 >= 0.95 && scanP50 / usearch.p50_ms >= 20;
  console.log(`  targets (recall >= 0.95, >= 20x the scan): ${targets ? 'met' : 'NOT met'}`);

  const figures: Record<string, number | string | boolean> = {
    n: N,
    dim: DIM,
    queries: QUERIES,
    recall_at_10: usearch.recall_at_10,
    p50_ms: usearch.p50_ms,
    p99_ms: usearch.p99_ms,
    build_s: usearch.build_s,
    filtered_p50_ms: usearch.filtered_p50_ms,
    filtered_5pct_p50_ms: usearch.filtered_5pct_p50_ms,
    save_s: round(saveSeconds, 2),
    reopen_s: round(reopenSeconds, 2),
    scan_p50_ms: round(scanP50),
    simd_scan_p50_ms: round(simdP50),
    speedup_vs_scan: round(scanP50 / usearch.p50_ms, 1),
    speedup_vs_simd_scan: round(simdP50 / usearch.p50_ms, 1),
    hnsw_m: o.connectivity,
    hnsw_ef_construction: o.expansionAdd,
    hnsw_ef_search: o.expansionSearch,
  };
  if (typeof milvus === 'string') {
    figures['milvus'] = 'skipped';
  } else {
    figures['milvus_index'] = milvus.index;
    figures['milvus_build_s'] = milvus.build_s;
    figures['milvus_p50_ms'] = milvus.p50_ms;
    figures['milvus_p99_ms'] = milvus.p99_ms;
    figures['milvus_recall_at_10'] = milvus.recall_at_10;
    figures['milvus_filtered_p50_ms'] = milvus.filtered_p50_ms;
    figures['milvus_filtered_5pct_p50_ms'] = milvus.filtered_5pct_p50_ms;
  }
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(`vector bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
