import { APP_LOGGER } from '#messaging';
import type {
  CatalogTrendAssignBatchRequestV1,
  CatalogTrendAssignBatchResponseV1,
  TrendArticleV1,
  CatalogTrendAssignRequestV1,
  CatalogTrendAssignResponseV1,
  CatalogTrendTransitionRequestV1,
  CatalogTrendTransitionResponseV1,
  TrendClusterV1,
  TrendStageV1,
} from '#contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, MoreThan, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type winston from 'winston';
import { sha256Hex } from './canonical-url.js';
import { CatalogError, notFound } from './catalog.errors.js';
import { insertedId } from './database/insert-id.js';
import { isForeignKeyViolation, isTransient, isUniqueViolation } from './database/db-errors.js';
import { ArticleEntity } from './entities/article.entity.js';
import { MediaEntity } from './entities/media.entity.js';
import { TrendArticleEntity } from './entities/trend-article.entity.js';
import { TrendEntity } from './entities/trend.entity.js';
import {
  TrendBinEntity,
  TrendClusterEntity,
  TrendEdgeEntity,
  TrendMemberEntity,
  TrendSpaceEntity,
  TrendTransitionEntity,
} from './entities/trend-cluster.entities.js';
import { CategoryRepository } from './repositories/category.repository.js';


/** Label terms kept per cluster (most documents first). */
const MAX_TERMS = 64;
/** Terms stored per cluster (the counting list is larger than the answered one). */
const STORED_TERMS = 128;
/** Terms of one article counted into its cluster. */
const TERMS_PER_ARTICLE = 12;
/** A representative with images or video wins over a text-only one this much closer to the centroid. */
const MEDIA_BONUS = 0.05;

interface CachedCluster {
  sum: Float32Array;
  norm: number;
  lastSeen: number;
  mergedInto: number | null;
  /** Members (for the split test), and the second part's sum and members. */
  count: number;
  splitSum: Float32Array | null;
  splitCount: number;
}

interface SpaceCache {
  seq: number;
  clusters: Map<number, CachedCluster>;
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string, dim: number): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== dim * 4) throw new Error(`trend cluster vector has ${bytes.byteLength} bytes, expected ${dim * 4}`);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function binStartOf(at: Date, binSeconds: number): Date {
  const ms = binSeconds * 1000;
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/**
 * Trend clusters as the catalog keeps them. Assignments are serialized: one at a time in this
 * process (a promise chain), and across catalog replicas on MySQL by a row lock on the space's
 * `trend_space` row, whose sequence also tells a replica whether its cache of centroids is current.
 * Each assignment is one transaction, so a crash leaves either all of it or none.
 */
@Injectable()
export class TrendClusterService {
  private readonly caches = new Map<string, SpaceCache>();
  /** Spaces whose `trend_space` row is known to exist with this dim (it never changes). */
  private readonly spaces = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  /** Next temporary id for a cluster opened in a batch (replaced by its row id before the commit). */
  private nextTemp = TEMP_BASE;

  constructor(
    private readonly dataSource: DataSource,
    private readonly categories: CategoryRepository,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
  ) {}

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  /** Runs `work` after every earlier one of this process, in one transaction, retried on deadlock/busy. */
  private serialized<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.dataSource.transaction(work);
        } catch (error) {
          if (!isTransient(error) || attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        }
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async spaceRow(space: string, dim: number): Promise<void> {
    const repo = this.dataSource.getRepository(TrendSpaceEntity);
    const existing = await repo.findOneBy({ space });
    if (existing) {
      if (existing.dim !== dim) throw new CatalogError('invalid', `trend space ${space} holds ${existing.dim}-d vectors, not ${dim}-d`);
      return;
    }
    try {
      await repo.createQueryBuilder().insert().values({ space, dim, seq: 0, updatedAt: new Date() }).execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  private async lockSpace(manager: EntityManager, space: string): Promise<TrendSpaceEntity> {
    const query = manager.getRepository(TrendSpaceEntity).createQueryBuilder('s').where('s.space = :space', { space });
    if (this.mysql) query.setLock('pessimistic_write');
    const row = await query.getOne();
    if (!row) throw new Error(`trend_space row of ${space} vanished`);
    return row;
  }

  /** Brings this replica's centroids of a space up to the database's sequence. */
  private async refresh(manager: EntityManager, space: string, dim: number, seq: number): Promise<SpaceCache> {
    let cache = this.caches.get(space);
    if (cache && cache.seq === seq) return cache;
    if (!cache) {
      cache = { seq: 0, clusters: new Map() };
      this.caches.set(space, cache);
    }
    const rows = await manager.getRepository(TrendClusterEntity).find({
      select: { id: true, vectorSum: true, lastSeenAt: true, mergedInto: true, dim: true, memberCount: true, splitSum: true, splitCount: true },
      where: { space, seq: MoreThan(cache.seq) },
    });
    for (const row of rows) {
      const sum = decodeVector(row.vectorSum, dim);
      cache.clusters.set(row.id, {
        sum,
        norm: norm(sum),
        lastSeen: row.lastSeenAt.getTime(),
        mergedInto: row.mergedInto,
        count: row.memberCount,
        splitSum: row.splitSum ? decodeVector(row.splitSum, dim) : null,
        splitCount: row.splitCount,
      });
    }
    cache.seq = seq;
    return cache;
  }

  /**
   * Assigns a batch of articles of one space in one transaction, in the order given. The first
   * pass decides every article's cluster in memory (joins, new clusters, merges, splits) against
   * the centroids as the earlier articles of the batch left them; the second writes the result
   * with a few statements: the touched clusters, the members in one insert, the bin counts.
   */
  private async assignBatchOnce(request: CatalogTrendAssignBatchRequestV1): Promise<CatalogTrendAssignBatchResponseV1> {
    const dim = request.space.dim;
    const space = request.space.name;
    const items: Item[] = [];
    const seen = new Set<number>();
    for (const raw of request.items) {
      const vector = itemVector(raw);
      if (vector.length !== dim) throw new CatalogError('invalid', `vector of article ${raw.articleId} has ${vector.length} numbers, the space ${dim}`);
      const length = norm(vector);
      if (!(length > 0) || !Number.isFinite(length)) throw new CatalogError('invalid', `vector of article ${raw.articleId} is zero or not finite`);
      for (let i = 0; i < dim; i++) vector[i] = vector[i]! / length;
      const eventAt = new Date(raw.eventAt);
      const categoryId = raw.category ? ((await this.categories.bySlug(raw.category))?.id ?? null) : null;
      // The same article twice in one batch: the second is a repeat of the first.
      const repeat = seen.has(raw.articleId);
      seen.add(raw.articleId);
      items.push({ raw, vector, eventAt, binStart: binStartOf(eventAt, request.binSeconds), categoryId, repeat, cluster: 0, part: 0, created: false, similarity: 1, mergedFrom: null, splitOff: null, repScore: 0, duplicate: false, notFound: false });
    }
    if (this.spaces.get(space) !== dim) {
      await this.spaceRow(space, dim);
      this.spaces.set(space, dim);
    }

    let commit: (() => void) | null = null;
    const result = await this.serialized(async (manager) => {
      commit = null;
      // The lock comes first: on InnoDB (repeatable read) the snapshot of the plain reads below is
      // taken at the first of them, so they see what the previous holder of the lock committed.
      const spaceRow = await this.lockSpace(manager, space);
      const ids = [...seen];
      const known = new Set(
        (await manager.getRepository(ArticleEntity).find({ select: { id: true }, where: { id: In(ids) } })).map((a) => a.id),
      );
      const previous = new Map(
        (await manager.getRepository(TrendMemberEntity).find({ select: { articleId: true, clusterId: true, similarity: true }, where: { articleId: In(ids) } })).map((m) => [m.articleId, m]),
      );
      const cache = await this.refresh(manager, space, dim, spaceRow.seq);
      const plan = new Plan(cache, request, this.nextTemp);

      // Pass 1, in memory: every article's cluster.
      for (const item of items) {
        const before = previous.get(item.raw.articleId);
        if (!known.has(item.raw.articleId)) {
          item.notFound = true;
          continue;
        }
        if (before) {
          item.duplicate = true;
          item.cluster = before.clusterId;
          item.similarity = before.similarity;
          continue;
        }
        if (item.repeat) {
          item.duplicate = true;
          continue;
        }
        plan.assign(item);
      }
      this.nextTemp = plan.nextTemp;

      // Pass 2: the rows of the touched clusters, changed in the order of the batch.
      const now = new Date();
      const seq = spaceRow.seq + 1;
      const clusters = manager.getRepository(TrendClusterEntity);
      const realIds = [...new Set([...plan.touched, ...items.filter((i) => i.duplicate && i.cluster > 0 && i.cluster < TEMP_BASE).map((i) => i.cluster)])].filter((id) => id < TEMP_BASE);
      const rows = new Map<number, TrendClusterEntity>();
      if (realIds.length > 0) for (const row of await clusters.findBy({ id: In(realIds) })) rows.set(row.id, row);
      // Members a split moves to the new cluster (those of part 1 stored before this batch).
      const moved = new Map<number, { articleId: number; eventAt: Date; hasMedia: boolean }[]>();
      for (const split of plan.splits) {
        if (split.from >= TEMP_BASE) continue;
        const list = await manager.getRepository(TrendMemberEntity).find({
          select: { articleId: true, eventAt: true, hasMedia: true },
          where: { clusterId: split.from, part: 1 },
          order: { eventAt: 'ASC', id: 'ASC' },
        });
        moved.set(split.from, list);
      }
      const binDelta = new Map<string, { clusterId: number; binStart: Date; n: number }>();
      const addBin = (clusterId: number, binStart: Date, n: number) => {
        const key = `${clusterId}|${binStart.getTime()}`;
        const entry = binDelta.get(key);
        if (entry) entry.n += n;
        else binDelta.set(key, { clusterId, binStart, n });
      };
      const created: TrendClusterEntity[] = [];
      const edges: { kind: 'merge' | 'split'; from: number; to: number; similarity: number; eventAt: Date }[] = [];
      const snapshots = new Map<Item, { firstSeenAt: Date; lastSeenAt: Date }>();
      for (const step of plan.steps) {
        if (step.kind === 'create') {
          const item = step.item;
          const row = Object.assign(new TrendClusterEntity(), {
            id: step.cluster,
            space,
            dim,
            vectorSum: '',
            memberCount: 1,
            mediaMemberCount: item.raw.hasMedia ? 1 : 0,
            categoryId: item.categoryId,
            firstSeenAt: item.eventAt,
            lastSeenAt: item.eventAt,
            stage: 'new',
            stageAt: null,
            trendId: null,
            representativeArticleId: item.raw.articleId,
            representativeScore: 1 + (item.raw.hasMedia ? MEDIA_BONUS : 0),
            terms: JSON.stringify(mergeTerms([], item.raw.terms.slice(0, TERMS_PER_ARTICLE))),
            mergedInto: null,
            splitSum: null,
            splitCount: 0,
            splitTerms: null,
            seq,
            createdAt: now,
            updatedAt: now,
          } satisfies TrendClusterEntity);
          rows.set(step.cluster, row);
          created.push(row);
          snapshots.set(item, { firstSeenAt: row.firstSeenAt, lastSeenAt: row.lastSeenAt });
        } else if (step.kind === 'join') {
          const item = step.item;
          const row = rows.get(step.cluster)!;
          const terms = item.raw.terms.slice(0, TERMS_PER_ARTICLE);
          row.memberCount += 1;
          if (item.raw.hasMedia) row.mediaMemberCount += 1;
          if (row.firstSeenAt.getTime() > item.eventAt.getTime()) row.firstSeenAt = item.eventAt;
          if (row.lastSeenAt.getTime() < item.eventAt.getTime()) row.lastSeenAt = item.eventAt;
          row.terms = JSON.stringify(mergeTerms(JSON.parse(row.terms) as [string, number][], terms));
          if (step.part === 1) row.splitTerms = JSON.stringify(mergeTerms(row.splitTerms ? (JSON.parse(row.splitTerms) as [string, number][]) : [], terms));
          if (row.representativeScore === null || item.repScore >= row.representativeScore) {
            row.representativeArticleId = item.raw.articleId;
            row.representativeScore = item.repScore;
          }
          row.seq = seq;
          row.updatedAt = now;
          snapshots.set(item, { firstSeenAt: row.firstSeenAt, lastSeenAt: row.lastSeenAt });
        } else if (step.kind === 'merge') {
          const keep = rows.get(step.keep)!;
          const gone = rows.get(step.gone)!;
          keep.memberCount += gone.memberCount;
          keep.mediaMemberCount += gone.mediaMemberCount;
          if (keep.firstSeenAt.getTime() > gone.firstSeenAt.getTime()) keep.firstSeenAt = gone.firstSeenAt;
          if (keep.lastSeenAt.getTime() < gone.lastSeenAt.getTime()) keep.lastSeenAt = gone.lastSeenAt;
          gone.mergedInto = step.keep;
          gone.seq = seq;
          gone.updatedAt = now;
          edges.push({ kind: 'merge', from: step.gone, to: step.keep, similarity: step.similarity, eventAt: step.eventAt });
        } else {
          // Split: the second part of `from` becomes the new cluster `to`, with its members and bins.
          const from = rows.get(step.from)!;
          const history = moved.get(step.from) ?? [];
          const members = [...history, ...step.moved.map((i) => ({ articleId: i.raw.articleId, eventAt: i.eventAt, hasMedia: i.raw.hasMedia }))];
          for (const m of history) {
            addBin(step.from, binStartOf(m.eventAt, request.binSeconds), -1);
            addBin(step.to, binStartOf(m.eventAt, request.binSeconds), 1);
          }
          const media = members.filter((m) => m.hasMedia).length;
          const times = members.map((m) => m.eventAt.getTime());
          const latest = members.reduce((a, b) => (b.eventAt.getTime() >= a.eventAt.getTime() ? b : a), members[0]!);
          const splitTerms = from.splitTerms ? (JSON.parse(from.splitTerms) as [string, number][]) : [];
          const row = Object.assign(new TrendClusterEntity(), {
            id: step.to,
            space,
            dim,
            vectorSum: '',
            memberCount: step.count,
            mediaMemberCount: media,
            categoryId: from.categoryId,
            firstSeenAt: new Date(Math.min(...times)),
            lastSeenAt: new Date(Math.max(...times)),
            stage: 'new',
            stageAt: null,
            trendId: null,
            representativeArticleId: latest.articleId,
            representativeScore: null,
            terms: JSON.stringify(splitTerms),
            mergedInto: null,
            splitSum: null,
            splitCount: 0,
            splitTerms: null,
            seq,
            createdAt: now,
            updatedAt: now,
          } satisfies TrendClusterEntity);
          rows.set(step.to, row);
          created.push(row);
          from.memberCount = Math.max(0, from.memberCount - step.count);
          from.mediaMemberCount = Math.max(0, from.mediaMemberCount - media);
          from.terms = JSON.stringify(subtractTerms(JSON.parse(from.terms) as [string, number][], splitTerms));
          from.splitTerms = null;
          from.seq = seq;
          from.updatedAt = now;
          edges.push({ kind: 'split', from: step.from, to: step.to, similarity: step.similarity, eventAt: step.eventAt });
          for (const item of step.moved) snapshots.set(item, { firstSeenAt: row.firstSeenAt, lastSeenAt: row.lastSeenAt });
        }
      }
      // Sums and split state come from the plan (the cache's working copies).
      for (const [id, entry] of plan.work) {
        const row = rows.get(id);
        if (!row) continue;
        row.vectorSum = encodeVector(entry.sum);
        row.splitSum = entry.splitSum ? encodeVector(entry.splitSum) : null;
        row.splitCount = entry.splitCount;
      }

      // Writes. New clusters first (their ids replace the temporary ones).
      const real = new Map<number, number>();
      const idOf = (id: number) => (id >= TEMP_BASE ? real.get(id)! : id);
      for (const row of created) {
        const { id: temp, ...fields } = row;
        const id = insertedId(await clusters.createQueryBuilder().insert().values({ ...fields, mergedInto: fields.mergedInto === null ? null : idOf(fields.mergedInto) }).execute());
        real.set(temp, id);
        row.id = id;
      }
      for (const split of plan.splits) {
        if (split.from >= TEMP_BASE) continue;
        await manager.getRepository(TrendMemberEntity).update({ clusterId: split.from, part: 1 }, { clusterId: idOf(split.to), part: 0 });
      }
      for (const id of plan.touched) {
        if (id >= TEMP_BASE) continue;
        const row = rows.get(id)!;
        row.mergedInto = row.mergedInto === null ? null : idOf(row.mergedInto);
        const { id: _id, ...fields } = row;
        await clusters.update({ id }, fields);
      }
      for (const edge of edges) {
        await manager.getRepository(TrendEdgeEntity).insert({ kind: edge.kind, fromClusterId: idOf(edge.from), toClusterId: idOf(edge.to), similarity: edge.similarity, eventAt: edge.eventAt, createdAt: now });
      }
      const memberRows: Omit<TrendMemberEntity, 'id'>[] = [];
      for (const item of items) {
        if (item.duplicate || item.notFound) continue;
        item.cluster = idOf(item.cluster);
        if (item.mergedFrom !== null) item.mergedFrom = idOf(item.mergedFrom);
        if (item.splitOff !== null) item.splitOff = idOf(item.splitOff);
        memberRows.push({ clusterId: item.cluster, articleId: item.raw.articleId, similarity: item.similarity, hasMedia: item.raw.hasMedia, eventAt: item.eventAt, assignedAt: now, part: item.part });
        addBin(item.cluster, item.binStart, 1);
      }
      for (let i = 0; i < memberRows.length; i += 200) await manager.getRepository(TrendMemberEntity).insert(memberRows.slice(i, i + 200));
      // A merge moves the merged cluster's counts to the cluster it joined, as its sum and member
      // count went: the survivor's baseline is then the whole topic's history, not only the share it
      // held while the two were apart (else its next ordinary hour looks like a burst).
      for (const step of plan.steps) {
        if (step.kind !== 'merge') continue;
        const gone = idOf(step.gone);
        const keep = idOf(step.keep);
        const counts = new Map<number, number>();
        if (step.gone < TEMP_BASE) {
          for (const bin of await manager.getRepository(TrendBinEntity).find({ select: { binStart: true, articles: true }, where: { clusterId: gone, binSeconds: request.binSeconds } })) {
            counts.set(bin.binStart.getTime(), (counts.get(bin.binStart.getTime()) ?? 0) + bin.articles);
          }
        }
        for (const d of binDelta.values()) if (idOf(d.clusterId) === gone) counts.set(d.binStart.getTime(), (counts.get(d.binStart.getTime()) ?? 0) + d.n);
        for (const [at, n] of counts) {
          if (n <= 0) continue;
          addBin(gone, new Date(at), -n);
          addBin(keep, new Date(at), n);
        }
      }
      await this.writeBins(manager, request.binSeconds, [...binDelta.values()].map((d) => ({ ...d, clusterId: idOf(d.clusterId) })));
      let watermarkAt = spaceRow.watermarkAt;
      let watermarkSetAt = spaceRow.watermarkSetAt;
      for (const item of items) {
        if (item.notFound || item.duplicate) continue;
        if (watermarkAt === null || item.eventAt.getTime() > watermarkAt.getTime()) {
          watermarkAt = item.eventAt;
          watermarkSetAt = now;
        }
      }
      await manager.getRepository(TrendSpaceEntity).update({ id: spaceRow.id }, { seq, updatedAt: now, watermarkAt, watermarkSetAt });

      const cacheUpdates: [number, CachedCluster][] = [];
      for (const [id, entry] of plan.work) cacheUpdates.push([idOf(id), { ...entry, mergedInto: entry.mergedInto === null ? null : idOf(entry.mergedInto) }]);
      const liveSince = Math.max(...items.map((i) => i.eventAt.getTime())) - request.liveSeconds * 1000;
      commit = () => {
        for (const [id, entry] of cacheUpdates) cache.clusters.set(id, entry);
        cache.seq = seq;
        this.prune(cache, liveSince);
      };

      // The answer: each item with its cluster, and the clusters as they are now.
      const answerIds = [...new Set(items.filter((i) => !i.notFound && i.cluster > 0).map((i) => i.cluster))];
      const missing = answerIds.filter((id) => !rows.has(id) && ![...real.values()].includes(id));
      if (missing.length > 0) for (const row of await clusters.findBy({ id: In(missing) })) rows.set(row.id, row);
      const byId = new Map<number, TrendClusterEntity>();
      for (const row of rows.values()) byId.set(row.id, row);
      const views = await this.views(manager, answerIds.map((id) => byId.get(id)!).filter((r) => r !== undefined), request.historyBins, request.binSeconds);
      const results = items.map((item) => {
        if (item.notFound) return { articleId: item.raw.articleId, notFound: true, clusterId: null, created: false, duplicate: false, similarity: 0, mergedFrom: null, splitOff: null, firstSeenAt: null, lastSeenAt: null, binStart: null };
        if (item.duplicate && item.cluster === 0) {
          // A repeat inside the batch: the first occurrence's answer.
          const first = items.find((i) => i.raw.articleId === item.raw.articleId && !i.repeat)!;
          item.cluster = first.cluster;
          item.similarity = first.similarity;
        }
        const snap = snapshots.get(item);
        const view = views.get(item.cluster);
        return {
          articleId: item.raw.articleId,
          notFound: false,
          clusterId: item.cluster,
          created: item.created,
          duplicate: item.duplicate,
          similarity: item.similarity,
          mergedFrom: item.mergedFrom,
          splitOff: item.splitOff,
          firstSeenAt: (snap?.firstSeenAt.toISOString() ?? view?.firstSeenAt) || null,
          lastSeenAt: (snap?.lastSeenAt.toISOString() ?? view?.lastSeenAt) || null,
          binStart: item.duplicate ? null : item.binStart.toISOString(),
        };
      });
      return { results, clusters: [...views.values()] };
    });
    // Only what was committed goes into the cache; a rolled-back batch leaves it as it was.
    (commit as (() => void) | null)?.();
    return result;
  }

  /** Adds the deltas to the bins: one read of the existing ones, updates, one insert of the new ones. */
  private async writeBins(manager: EntityManager, binSeconds: number, raw: { clusterId: number; binStart: Date; n: number }[]): Promise<void> {
    // One entry per (cluster, bin): a temporary id and its row id name one cluster.
    const merged = new Map<string, { clusterId: number; binStart: Date; n: number }>();
    for (const d of raw) {
      const key = `${d.clusterId}|${d.binStart.getTime()}`;
      const entry = merged.get(key);
      if (entry) entry.n += d.n;
      else merged.set(key, { ...d });
    }
    const deltas = [...merged.values()];
    if (deltas.length === 0) return;
    const bins = manager.getRepository(TrendBinEntity);
    const clusterIds = [...new Set(deltas.map((d) => d.clusterId))];
    const starts = [...new Set(deltas.map((d) => d.binStart.getTime()))].map((t) => new Date(t));
    const existing = new Map<string, TrendBinEntity>();
    for (const bin of await bins.find({ where: { clusterId: In(clusterIds), binSeconds, binStart: In(starts) } })) existing.set(`${bin.clusterId}|${bin.binStart.getTime()}`, bin);
    const inserts: Omit<TrendBinEntity, 'id'>[] = [];
    for (const d of deltas) {
      if (d.n === 0) continue;
      const bin = existing.get(`${d.clusterId}|${d.binStart.getTime()}`);
      if (bin) await bins.update({ id: bin.id }, { articles: Math.max(0, bin.articles + d.n) });
      else if (d.n > 0) inserts.push({ clusterId: d.clusterId, binSeconds, binStart: d.binStart, articles: d.n });
    }
    for (let i = 0; i < inserts.length; i += 200) await bins.insert(inserts.slice(i, i + 200));
  }

  async assignBatch(request: CatalogTrendAssignBatchRequestV1): Promise<CatalogTrendAssignBatchResponseV1> {
    try {
      return await this.assignBatchOnce(request);
    } catch (error) {
      // Known articles were checked under the lock; one deleted since is what this can still be.
      if (isForeignKeyViolation(error)) throw notFound(`an article of the batch (${request.items.map((i) => i.articleId).join(', ')})`);
      throw error;
    }
  }

  /** One article: a batch of one, answered with its cluster as the single request always was. */
  async assign(request: CatalogTrendAssignRequestV1): Promise<CatalogTrendAssignResponseV1> {
    const { articleId, vector, eventAt, category, hasMedia, terms, space, threshold, mergeThreshold, binSeconds, liveSeconds, historyBins } = request;
    const answer = await this.assignBatch({
      space,
      items: [{ articleId, vector, eventAt, category, hasMedia, terms }],
      threshold,
      mergeThreshold,
      splitMinMembers: 5,
      binSeconds,
      liveSeconds,
      historyBins,
    });
    const result = answer.results[0]!;
    if (result.notFound) throw notFound(`article ${articleId}`);
    const cluster = answer.clusters.find((c) => c.clusterId === result.clusterId)!;
    return { cluster, created: result.created, duplicate: result.duplicate, similarity: result.similarity, mergedFrom: result.mergedFrom };
  }

  /** Views of clusters with their bins of the last `historyBins` up to each one's latest bin (one bin query). */
  private async views(manager: EntityManager, rows: TrendClusterEntity[], historyBins: number, binSeconds: number): Promise<Map<number, TrendClusterV1>> {
    const out = new Map<number, TrendClusterV1>();
    if (rows.length === 0) return out;
    const untilOf = (row: TrendClusterEntity) => binStartOf(row.lastSeenAt, binSeconds).getTime();
    const since = new Date(Math.min(...rows.map(untilOf)) - historyBins * binSeconds * 1000);
    const bins = await manager.getRepository(TrendBinEntity).find({
      where: { clusterId: In(rows.map((r) => r.id)), binSeconds, binStart: MoreThanOrEqual(since) },
      order: { binStart: 'ASC' },
    });
    const byCluster = new Map<number, TrendBinEntity[]>();
    for (const bin of bins) {
      const list = byCluster.get(bin.clusterId) ?? [];
      list.push(bin);
      byCluster.set(bin.clusterId, list);
    }
    for (const row of rows) {
      const until = untilOf(row);
      const from = until - historyBins * binSeconds * 1000;
      const mine = (byCluster.get(row.id) ?? []).filter((b) => b.binStart.getTime() >= from && b.binStart.getTime() <= until && b.articles > 0);
      out.set(row.id, await this.toView(row, mine));
    }
    return out;
  }

  private async toView(row: TrendClusterEntity, bins: TrendBinEntity[]): Promise<TrendClusterV1> {
    const category = row.categoryId === null ? null : await this.categories.byId(row.categoryId);
    return {
      clusterId: row.id,
      space: row.space,
      memberCount: row.memberCount,
      mediaMemberCount: row.mediaMemberCount,
      category: category?.slug ?? null,
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      stage: row.stage as TrendStageV1,
      stageAt: row.stageAt?.toISOString() ?? null,
      trendId: row.trendId,
      representativeArticleId: row.representativeArticleId,
      terms: (JSON.parse(row.terms) as [string, number][]).slice(0, MAX_TERMS),
      mergedInto: row.mergedInto,
      bins: bins.map((b) => ({ binStart: b.binStart.toISOString(), articles: b.articles })),
    };
  }

  /** What the trend stage needs of each article, for a batch in one request. */
  async articles(articleIds: number[]): Promise<TrendArticleV1[]> {
    const rows = await this.dataSource.getRepository(ArticleEntity).find({
      select: { id: true, title: true, summary: true, lang: true, categoryId: true, publishedAt: true, scrapedAt: true, textKey: true },
      where: { id: In(articleIds) },
    });
    if (rows.length === 0) return [];
    const media = new Set(
      (
        await this.dataSource.getRepository(MediaEntity).find({ select: { articleId: true, kind: true, fileKey: true, status: true }, where: { articleId: In(rows.map((r) => r.id)), kind: In(['image', 'video']) } })
      )
        .filter((m) => m.fileKey !== null && m.status !== 'failed')
        .map((m) => m.articleId),
    );
    const out: TrendArticleV1[] = [];
    for (const row of rows) {
      out.push({
        articleId: row.id,
        title: row.title,
        summary: row.summary,
        lang: row.lang,
        category: (await this.categories.byId(row.categoryId))?.slug ?? null,
        publishedAt: row.publishedAt?.toISOString() ?? null,
        scrapedAt: row.scrapedAt.toISOString(),
        textKey: row.textKey,
        hasMedia: media.has(row.id),
      });
    }
    return out;
  }

  /**
   * The live trends (emerging, peaking; not merged) with their bins up to their space's event
   * clock, a page at a time, and the clock of every space.
   */
  async live(binSeconds: number, historyBins: number, limit: number, afterId: number): Promise<{ clocks: { space: string; clock: string }[]; clusters: TrendClusterV1[] }> {
    const wall = Date.now();
    const clocks = new Map<string, number>();
    for (const s of await this.dataSource.getRepository(TrendSpaceEntity).find()) clocks.set(s.space, eventClock(s.watermarkAt, s.watermarkSetAt, wall));
    const rows = await this.dataSource.getRepository(TrendClusterEntity).createQueryBuilder('c')
      .where('c.stage IN (:...stages) AND c.id > :afterId AND c.merged_into IS NULL', { stages: ['emerging', 'peaking'], afterId })
      .orderBy('c.id', 'ASC')
      .take(limit)
      .getMany();
    const clusters: TrendClusterV1[] = [];
    for (const row of rows) {
      const clock = clocks.get(row.space) ?? wall;
      const until = Math.max(binStartOf(new Date(clock), binSeconds).getTime(), binStartOf(row.lastSeenAt, binSeconds).getTime());
      const bins = await this.dataSource.getRepository(TrendBinEntity).find({
        where: { clusterId: row.id, binSeconds, binStart: MoreThanOrEqual(new Date(until - historyBins * binSeconds * 1000)) },
        order: { binStart: 'ASC' },
      });
      clusters.push(await this.toView(row, bins.filter((b) => b.binStart.getTime() <= until && b.articles > 0)));
    }
    return { clocks: [...clocks.entries()].map(([space, clock]) => ({ space, clock: new Date(clock).toISOString() })), clusters };
  }

  /** Drops clusters long past the live window from the cache (they stay in the database). */
  private prune(cache: SpaceCache, liveSince: number): void {
    if (cache.clusters.size < 4096) return;
    for (const [id, c] of cache.clusters) if (c.lastSeen < liveSince - 86_400_000 || c.mergedInto !== null) cache.clusters.delete(id);
  }

  private async clusterView(manager: EntityManager, clusterId: number, historyBins: number, binSeconds: number, current?: Date): Promise<TrendClusterV1> {
    const row = await manager.getRepository(TrendClusterEntity).findOneBy({ id: clusterId });
    if (!row) throw notFound(`trend cluster ${clusterId}`);
    // History up to the cluster's latest bin, even when the article at hand came late.
    const latest = binStartOf(row.lastSeenAt, binSeconds);
    const until = current && current.getTime() > latest.getTime() ? current : latest;
    const since = new Date(until.getTime() - historyBins * binSeconds * 1000);
    const bins = await manager.getRepository(TrendBinEntity).find({
      where: { clusterId, binSeconds, binStart: MoreThanOrEqual(since) },
      order: { binStart: 'ASC' },
    });
    return this.toView(row, bins.filter((b) => b.binStart.getTime() <= until.getTime()));
  }

  async cluster(clusterId: number, historyBins: number, binSeconds: number): Promise<TrendClusterV1> {
    return this.clusterView(this.dataSource.manager, clusterId, historyBins, binSeconds);
  }

  async transition(request: CatalogTrendTransitionRequestV1): Promise<CatalogTrendTransitionResponseV1> {
    const binStart = new Date(request.binStart);
    return this.serialized(async (manager) => {
      // Lock first (see assign): the reads after it see the previous holder's commit.
      const clusters = manager.getRepository(TrendClusterEntity);
      const query = clusters.createQueryBuilder('c').where('c.id = :id', { id: request.clusterId });
      if (this.mysql) query.setLock('pessimistic_write');
      const cluster = await query.getOne();
      if (!cluster) throw notFound(`trend cluster ${request.clusterId}`);
      const transitions = manager.getRepository(TrendTransitionEntity);
      const existing = await transitions.findOneBy({ clusterId: request.clusterId, toStage: request.toStage, binStart });
      if (existing) {
        return { applied: false, transition: await this.transitionView(manager, existing, request.maxArticles), stage: cluster.stage as TrendStageV1 };
      }
      if (cluster.stage !== request.fromStage) return { applied: false, transition: null, stage: cluster.stage as TrendStageV1 };
      const now = new Date();
      const windowStart = new Date(request.windowStart);
      const windowEnd = new Date(request.windowEnd);
      const trends = manager.getRepository(TrendEntity);
      let trendId = cluster.trendId;
      if (trendId === null) {
        trendId = insertedId(
          await trends
            .createQueryBuilder()
            .insert()
            .values({
              trendHash: sha256Hex(`trend-cluster\n${cluster.id}`),
              text: request.text,
              categoryId: cluster.categoryId,
              windowStart,
              windowEnd,
              score: request.score,
              detector: request.detector,
              createdAt: now,
            })
            .execute(),
        );
      } else {
        await trends.update({ id: trendId }, { text: request.text, windowStart, windowEnd, score: request.score, detector: request.detector });
      }
      const id = insertedId(
        await transitions
          .createQueryBuilder()
          .insert()
          .values({
            clusterId: cluster.id,
            trendId,
            fromStage: request.fromStage,
            toStage: request.toStage,
            binStart,
            eventAt: new Date(request.eventAt),
            score: request.score,
            growth: request.growth,
            windowStart,
            windowEnd,
            text: request.text,
            // Until it is published, event_id holds the message that decided the step.
            eventId: request.causedBy ?? null,
            publishedAt: null,
            createdAt: now,
          })
          .execute(),
      );
      await clusters.update({ id: cluster.id }, { stage: request.toStage, stageAt: new Date(request.eventAt), trendId, updatedAt: now });
      const row = await transitions.findOneByOrFail({ id });
      const view = await this.transitionView(manager, row, request.maxArticles);
      await this.link(manager, trendId, view.articleIds);
      this.logger.debug(`trend cluster ${cluster.id}: ${request.fromStage} -> ${request.toStage} (trend ${trendId})`);
      return { applied: true, transition: view, stage: request.toStage };
    });
  }

  private async transitionView(manager: EntityManager, row: TrendTransitionEntity, maxArticles: number) {
    const members = maxArticles === 0
      ? []
      : await manager.getRepository(TrendMemberEntity).find({
          select: { articleId: true },
          where: { clusterId: row.clusterId },
          order: { eventAt: 'DESC', id: 'DESC' },
          take: maxArticles,
        });
    return {
      transitionId: row.id,
      trendId: row.trendId!,
      fromStage: row.fromStage as TrendStageV1,
      toStage: row.toStage as TrendStageV1,
      binStart: row.binStart.toISOString(),
      published: row.publishedAt !== null,
      causedBy: row.publishedAt === null ? row.eventId : null,
      articleIds: members.map((m) => m.articleId),
    };
  }

  private async link(manager: EntityManager, trendId: number, articleIds: number[]): Promise<void> {
    if (articleIds.length === 0) return;
    const links = manager.getRepository(TrendArticleEntity);
    const existing = new Set((await links.find({ select: { articleId: true }, where: { trendId, articleId: In(articleIds) } })).map((l) => l.articleId));
    const missing = articleIds.filter((id) => !existing.has(id));
    if (missing.length > 0) await links.insert(missing.map((articleId) => ({ trendId, articleId })));
  }

  async markPublished(transitionId: number, eventId: string, publishedAt: string): Promise<void> {
    const result = await this.dataSource
      .getRepository(TrendTransitionEntity)
      .update({ id: transitionId }, { eventId, publishedAt: new Date(publishedAt) });
    if (!result.affected) throw notFound(`trend transition ${transitionId}`);
  }

  async transitions(since: string, until: string, limit: number, afterId: number) {
    const rows = await this.dataSource.getRepository(TrendTransitionEntity).createQueryBuilder('t')
      .where('t.event_at >= :since AND t.event_at < :until AND t.id > :afterId', { since: new Date(since), until: new Date(until), afterId })
      .orderBy('t.event_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .take(limit)
      .getMany();
    return rows.map((t) => ({
      transitionId: t.id,
      clusterId: t.clusterId,
      trendId: t.trendId,
      fromStage: t.fromStage as TrendStageV1,
      toStage: t.toStage as TrendStageV1,
      eventAt: t.eventAt.toISOString(),
      score: t.score,
      growth: t.growth,
      text: t.text,
      published: t.publishedAt !== null,
    }));
  }
}

/**
 * Adds one document to each of `terms` (Space-Saving: when the list is full a new term takes the
 * place of the rarest one with its count plus one, so a cluster's terms follow its members
 * instead of freezing on the first ones). Most documents first.
 */
export function mergeTerms(current: [string, number][], terms: { term: string }[]): [string, number][] {
  const counts = new Map(current);
  for (const { term } of terms) {
    const known = counts.get(term);
    if (known !== undefined) {
      counts.set(term, known + 1);
      continue;
    }
    if (counts.size < STORED_TERMS) {
      counts.set(term, 1);
      continue;
    }
    let minTerm = '';
    let min = Infinity;
    for (const [t, n] of counts) if (n < min) [minTerm, min] = [t, n];
    counts.delete(minTerm);
    counts.set(term, min + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** Temporary ids of clusters opened in a batch before they have rows (above any real id). */
const TEMP_BASE = 2 ** 40;

interface Item {
  raw: CatalogTrendAssignBatchRequestV1['items'][number];
  vector: Float32Array;
  eventAt: Date;
  binStart: Date;
  categoryId: number | null;
  /** The same article earlier in this batch. */
  repeat: boolean;
  notFound: boolean;
  duplicate: boolean;
  cluster: number;
  part: number;
  created: boolean;
  similarity: number;
  mergedFrom: number | null;
  splitOff: number | null;
  repScore: number;
}

type Step =
  | { kind: 'create'; cluster: number; item: Item }
  | { kind: 'join'; cluster: number; item: Item; part: number }
  | { kind: 'merge'; keep: number; gone: number; similarity: number; eventAt: Date }
  | { kind: 'split'; from: number; to: number; count: number; similarity: number; eventAt: Date; item: Item; moved: Item[] };

/**
 * Pass 1 of a batch: decides each article's cluster against working copies of the cached
 * centroids (the cache itself changes only after the commit).
 */
class Plan {
  /** Working copies of the clusters this batch changed or opened. */
  readonly work = new Map<number, CachedCluster>();
  readonly touched = new Set<number>();
  readonly steps: Step[] = [];
  readonly splits: { from: number; to: number }[] = [];

  constructor(
    private readonly cache: SpaceCache,
    private readonly request: CatalogTrendAssignBatchRequestV1,
    public nextTemp: number,
  ) {}

  private get(id: number): CachedCluster {
    return this.work.get(id) ?? this.cache.clusters.get(id)!;
  }

  private copy(id: number): CachedCluster {
    let entry = this.work.get(id);
    if (!entry) {
      const c = this.cache.clusters.get(id)!;
      entry = { ...c, sum: Float32Array.from(c.sum), splitSum: c.splitSum ? Float32Array.from(c.splitSum) : null };
      this.work.set(id, entry);
    }
    if (id < TEMP_BASE) this.touched.add(id);
    return entry;
  }

  assign(item: Item): void {
    const { vector } = item;
    const request = this.request;
    const liveSince = item.eventAt.getTime() - request.liveSeconds * 1000;
    let best: { id: number; sim: number } | null = null;
    let second: { id: number; sim: number } | null = null;
    const consider = (id: number, c: CachedCluster) => {
      if (c.mergedInto !== null || c.lastSeen < liveSince || c.norm === 0) return;
      const sim = dot(c.sum, vector) / c.norm;
      if (!best || sim > best.sim || (sim === best.sim && id < best.id)) {
        second = best;
        best = { id, sim };
      } else if (!second || sim > second.sim) second = { id, sim };
    };
    for (const [id, c] of this.cache.clusters) consider(id, this.work.get(id) ?? c);
    for (const [id, c] of this.work) if (!this.cache.clusters.has(id)) consider(id, c);
    const b = best as { id: number; sim: number } | null;
    const s = second as { id: number; sim: number } | null;
    if (!b || b.sim < request.threshold) {
      const id = this.nextTemp++;
      this.work.set(id, { sum: Float32Array.from(vector), norm: 1, lastSeen: item.eventAt.getTime(), mergedInto: null, count: 1, splitSum: null, splitCount: 0 });
      item.cluster = id;
      item.created = true;
      item.similarity = 1;
      this.steps.push({ kind: 'create', cluster: id, item });
      return;
    }
    let clusterId = b.id;
    item.similarity = b.sim;
    const entry = this.copy(clusterId);
    // Which part of the cluster the article is nearer (before it is added).
    item.part = 0;
    if (request.splitThreshold !== undefined && entry.count >= 1) {
      const partA = new Float32Array(entry.sum.length);
      for (let i = 0; i < partA.length; i++) partA[i] = entry.sum[i]! - (entry.splitSum?.[i] ?? 0);
      const normA = norm(partA);
      const toA = normA > 0 ? dot(partA, vector) / normA : 1;
      if (entry.splitSum) {
        const normB = norm(entry.splitSum);
        if (normB > 0 && dot(entry.splitSum, vector) / normB > toA) item.part = 1;
      } else if (entry.count >= 2 && toA < request.splitThreshold) item.part = 1;
      if (item.part === 1) {
        if (!entry.splitSum) entry.splitSum = new Float32Array(vector.length);
        for (let i = 0; i < vector.length; i++) entry.splitSum[i] = entry.splitSum[i]! + vector[i]!;
        entry.splitCount += 1;
      }
    }
    for (let i = 0; i < vector.length; i++) entry.sum[i] = entry.sum[i]! + vector[i]!;
    entry.count += 1;
    entry.norm = norm(entry.sum);
    entry.lastSeen = Math.max(entry.lastSeen, item.eventAt.getTime());
    item.repScore = dot(entry.sum, vector) / entry.norm + (item.raw.hasMedia ? MEDIA_BONUS : 0);
    item.cluster = clusterId;
    this.steps.push({ kind: 'join', cluster: clusterId, item, part: item.part });
    // Two live clusters this article reaches, whose centroids are nearly one: the younger joins the older.
    if (s && s.sim >= request.threshold) {
      const other = this.get(s.id);
      const between = dot(other.sum, entry.sum) / (other.norm * entry.norm);
      if (between >= request.mergeThreshold && s.id > clusterId) {
        const gone = this.copy(s.id);
        for (let i = 0; i < vector.length; i++) entry.sum[i] = entry.sum[i]! + gone.sum[i]!;
        entry.count += gone.count;
        entry.norm = norm(entry.sum);
        entry.lastSeen = Math.max(entry.lastSeen, gone.lastSeen);
        gone.mergedInto = clusterId;
        item.mergedFrom = s.id;
        this.steps.push({ kind: 'merge', keep: clusterId, gone: s.id, similarity: between, eventAt: item.eventAt });
      }
    }
    // The cluster has become two: its second part is far from the rest and both are big enough.
    if (request.splitThreshold !== undefined && entry.splitSum && entry.splitCount >= request.splitMinMembers && entry.count - entry.splitCount >= request.splitMinMembers) {
      const partA = new Float32Array(entry.sum.length);
      for (let i = 0; i < partA.length; i++) partA[i] = entry.sum[i]! - entry.splitSum[i]!;
      const normA = norm(partA);
      const normB = norm(entry.splitSum);
      const between = normA > 0 && normB > 0 ? dot(partA, entry.splitSum) / (normA * normB) : 1;
      if (between < request.splitThreshold) {
        const to = this.nextTemp++;
        this.work.set(to, { sum: entry.splitSum, norm: normB, lastSeen: entry.lastSeen, mergedInto: null, count: entry.splitCount, splitSum: null, splitCount: 0 });
        const count = entry.splitCount;
        entry.sum = partA;
        entry.norm = normA;
        entry.count -= count;
        entry.splitSum = null;
        entry.splitCount = 0;
        // The members of the second part this batch added move along (the article too when it is one).
        const moved: Item[] = [];
        for (const step of this.steps) {
          if (step.kind !== 'join' || step.cluster !== clusterId || step.part !== 1 || step.item.cluster !== clusterId) continue;
          step.item.cluster = to;
          step.item.part = 0;
          moved.push(step.item);
        }
        this.steps.push({ kind: 'split', from: clusterId, to, count, similarity: between, eventAt: item.eventAt, item, moved });
        this.splits.push({ from: clusterId, to });
        item.splitOff = to;
      }
    }
  }
}

/** An item's vector, sent as numbers or as base64 float32 (a copy: the buffer's alignment is not ours). */
function itemVector(item: { vector?: number[] | undefined; vectorF32?: string | undefined }): Float32Array {
  if (item.vector) return Float32Array.from(item.vector);
  const bytes = Buffer.from(item.vectorF32 ?? '', 'base64');
  if (bytes.byteLength % 4 !== 0) throw new CatalogError('invalid', `vectorF32 has ${bytes.byteLength} bytes, not whole float32s`);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  for (const v of out) if (!Number.isFinite(v)) throw new CatalogError('invalid', 'vectorF32 holds a number that is not finite');
  return out;
}

/** Space-Saving counts of a part taken out of a cluster's (what is left positive stays). */
export function subtractTerms(current: [string, number][], part: [string, number][]): [string, number][] {
  const counts = new Map(current);
  for (const [term, n] of part) {
    const known = counts.get(term);
    if (known === undefined) continue;
    if (known - n > 0) counts.set(term, known - n);
    else counts.delete(term);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * A space's event clock: the latest event time it has seen, advanced by the wall-clock time since
 * it was seen, never past the wall clock. Replaying old articles, time moves with them; in a live
 * stream that goes quiet, time still passes.
 */
export function eventClock(watermarkAt: Date | null, watermarkSetAt: Date | null, wallMs: number): number {
  if (watermarkAt === null || watermarkSetAt === null) return wallMs;
  return Math.min(wallMs, watermarkAt.getTime() + Math.max(0, wallMs - watermarkSetAt.getTime()));
}
