import { APP_LOGGER } from '#messaging';
import type {
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
      select: { id: true, vectorSum: true, lastSeenAt: true, mergedInto: true, dim: true },
      where: { space, seq: MoreThan(cache.seq) },
    });
    for (const row of rows) {
      const sum = decodeVector(row.vectorSum, dim);
      cache.clusters.set(row.id, { sum, norm: norm(sum), lastSeen: row.lastSeenAt.getTime(), mergedInto: row.mergedInto });
    }
    cache.seq = seq;
    return cache;
  }

  private async assignOnce(request: CatalogTrendAssignRequestV1): Promise<CatalogTrendAssignResponseV1> {
    const dim = request.space.dim;
    if (request.vector.length !== dim) throw new CatalogError('invalid', `vector has ${request.vector.length} numbers, the space ${dim}`);
    const vector = Float32Array.from(request.vector);
    const length = norm(vector);
    if (!(length > 0) || !Number.isFinite(length)) throw new CatalogError('invalid', 'vector is zero or not finite');
    for (let i = 0; i < dim; i++) vector[i] = vector[i]! / length;
    const categoryId = request.category ? ((await this.categories.bySlug(request.category))?.id ?? null) : null;
    if (this.spaces.get(request.space.name) !== dim) {
      await this.spaceRow(request.space.name, dim);
      this.spaces.set(request.space.name, dim);
    }
    const eventAt = new Date(request.eventAt);
    const binStart = binStartOf(eventAt, request.binSeconds);

    let commit: (() => void) | null = null;
    const result = await this.serialized(async (manager) => {
      // An unknown article fails the member row's foreign key: the whole assignment rolls back.
      commit = null;
      // The lock comes first: on InnoDB (repeatable read) the snapshot of the plain reads below is
      // taken at the first of them, so they see what the previous holder of the lock committed.
      const spaceRow = await this.lockSpace(manager, request.space.name);
      const members = manager.getRepository(TrendMemberEntity);
      const previous = await members.findOneBy({ articleId: request.articleId });
      if (previous) {
        const cluster = await this.clusterView(manager, previous.clusterId, request.historyBins, request.binSeconds, binStart);
        return { cluster, created: false, duplicate: true, similarity: previous.similarity, mergedFrom: null };
      }
      const cache = await this.refresh(manager, request.space.name, dim, spaceRow.seq);
      const liveSince = eventAt.getTime() - request.liveSeconds * 1000;
      let best: { id: number; sim: number } | null = null;
      let second: { id: number; sim: number } | null = null;
      for (const [id, c] of cache.clusters) {
        if (c.mergedInto !== null || c.lastSeen < liveSince || c.norm === 0) continue;
        const sim = dot(c.sum, vector) / c.norm;
        if (!best || sim > best.sim || (sim === best.sim && id < best.id)) {
          second = best;
          best = { id, sim };
        } else if (!second || sim > second.sim) second = { id, sim };
      }
      const now = new Date();
      const seq = spaceRow.seq + 1;
      const clusters = manager.getRepository(TrendClusterEntity);
      const terms = request.terms.slice(0, TERMS_PER_ARTICLE);
      let clusterId: number;
      let created = false;
      let similarity: number;
      let mergedFrom: number | null = null;
      const cacheUpdates: [number, CachedCluster][] = [];
      if (best && best.sim >= request.threshold) {
        clusterId = best.id;
        similarity = best.sim;
        const row = await clusters.findOneOrFail({
          select: { id: true, memberCount: true, mediaMemberCount: true, firstSeenAt: true, lastSeenAt: true, terms: true, representativeScore: true },
          where: { id: clusterId },
        });
        // The cache is current (same sequence as the database, under the lock): no need to decode the row's sum.
        const sum = Float32Array.from(cache.clusters.get(clusterId)!.sum);
        for (let i = 0; i < dim; i++) sum[i] = sum[i]! + vector[i]!;
        let memberCount = row.memberCount + 1;
        // Two live clusters this article reaches, whose centroids are nearly one: the younger joins the older.
        if (second && second.sim >= request.threshold) {
          const other = cache.clusters.get(second.id)!;
          const between = dot(other.sum, sum) / (other.norm * norm(sum));
          if (between >= request.mergeThreshold) {
            const [keep, gone] = second.id < clusterId ? [second.id, clusterId] : [clusterId, second.id];
            if (keep === clusterId) {
              mergedFrom = gone;
              const goneRow = await clusters.findOneByOrFail({ id: gone });
              for (let i = 0; i < dim; i++) sum[i] = sum[i]! + other.sum[i]!;
              memberCount += goneRow.memberCount;
              await clusters.update({ id: gone }, { mergedInto: keep, seq, updatedAt: now });
              await manager.getRepository(TrendEdgeEntity).insert({ kind: 'merge', fromClusterId: gone, toClusterId: keep, similarity: between, eventAt, createdAt: now });
              cacheUpdates.push([gone, { ...other, mergedInto: keep }]);
            }
          }
        }
        const sumNorm = norm(sum);
        const repScore = dot(sum, vector) / sumNorm + (request.hasMedia ? MEDIA_BONUS : 0);
        const takesRep = row.representativeScore === null || repScore >= row.representativeScore;
        const lastSeen = row.lastSeenAt.getTime() >= eventAt.getTime() ? row.lastSeenAt : eventAt;
        await clusters.update(
          { id: clusterId },
          {
            vectorSum: encodeVector(sum),
            memberCount,
            mediaMemberCount: row.mediaMemberCount + (request.hasMedia ? 1 : 0),
            firstSeenAt: row.firstSeenAt.getTime() <= eventAt.getTime() ? row.firstSeenAt : eventAt,
            lastSeenAt: lastSeen,
            terms: JSON.stringify(mergeTerms(JSON.parse(row.terms) as [string, number][], terms)),
            ...(takesRep ? { representativeArticleId: request.articleId, representativeScore: repScore } : {}),
            seq,
            updatedAt: now,
          },
        );
        cacheUpdates.push([clusterId, { sum, norm: sumNorm, lastSeen: lastSeen.getTime(), mergedInto: null }]);
      } else {
        created = true;
        similarity = 1;
        const fields: Omit<TrendClusterEntity, 'id'> = {
          space: request.space.name,
          dim,
          vectorSum: encodeVector(vector),
          memberCount: 1,
          mediaMemberCount: request.hasMedia ? 1 : 0,
          categoryId,
          firstSeenAt: eventAt,
          lastSeenAt: eventAt,
          stage: 'new',
          stageAt: null,
          trendId: null,
          representativeArticleId: request.articleId,
          representativeScore: 1 + (request.hasMedia ? MEDIA_BONUS : 0),
          terms: JSON.stringify(mergeTerms([], terms)),
          mergedInto: null,
          seq,
          createdAt: now,
          updatedAt: now,
        };
        clusterId = insertedId(await clusters.createQueryBuilder().insert().values(fields).execute());
        cacheUpdates.push([clusterId, { sum: vector, norm: 1, lastSeen: eventAt.getTime(), mergedInto: null }]);
      }
      await members.insert({ clusterId, articleId: request.articleId, similarity, hasMedia: request.hasMedia, eventAt, assignedAt: now });
      const bins = manager.getRepository(TrendBinEntity);
      const bin = await bins.findOneBy({ clusterId, binSeconds: request.binSeconds, binStart });
      if (bin) await bins.update({ id: bin.id }, { articles: bin.articles + 1 });
      else await bins.insert({ clusterId, binSeconds: request.binSeconds, binStart, articles: 1 });
      await manager.getRepository(TrendSpaceEntity).update({ id: spaceRow.id }, { seq, updatedAt: now });
      commit = () => {
        for (const [id, entry] of cacheUpdates) cache.clusters.set(id, entry);
        cache.seq = seq;
        this.prune(cache, liveSince);
      };
      const cluster = await this.clusterView(manager, clusterId, request.historyBins, request.binSeconds, binStart);
      return { cluster, created, duplicate: false, similarity, mergedFrom };
    });
    // Only what was committed goes into the cache; a rolled-back assignment leaves it as it was.
    (commit as (() => void) | null)?.();
    return result;
  }

  async assign(request: CatalogTrendAssignRequestV1): Promise<CatalogTrendAssignResponseV1> {
    try {
      return await this.assignOnce(request);
    } catch (error) {
      // The article row is what the new member and cluster rows point at.
      if (isForeignKeyViolation(error)) throw notFound(`article ${request.articleId}`);
      throw error;
    }
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
      bins: bins.filter((b) => b.binStart.getTime() <= until.getTime()).map((b) => ({ binStart: b.binStart.toISOString(), articles: b.articles })),
    };
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
