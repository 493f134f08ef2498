import type { ArticleEmbeddedV1, CatalogTrendAssignBatchResponseV1, TrendArticleV1, TrendClusterV1, TrendDetectedV1, TrendStageV1 } from '#contracts';
import { FilesClient, FilesNotFoundError } from '#files-client';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { decide, type Decision } from './burst.js';
import { CatalogClient } from './catalog.client.js';
import { articleTerms, labelTerms } from './terms.js';
import { TREND_CONFIG, type TrendConfig } from './trend.config.js';
import { TEMPLATE_DETECTOR, trendText } from './trend-text.js';
import { VectorClient } from './vector.client.js';

/** A `trend.detected` to publish, with the transition it announces. */
export interface Announcement {
  transitionId: number;
  key: string;
  payload: TrendDetectedV1;
}

export interface Outcome {
  clusterId: number | null;
  created: boolean;
  duplicate: boolean;
  similarity: number | null;
  transition: string | null;
  announcements: Announcement[];
  /** A cluster this article's assignment split off its cluster. */
  splitOff?: number | null;
}

/** A published time this far after the scrape is a bad date: the scrape time stands in. */
const FUTURE_SLACK_MS = 86_400_000;
/** JSON bytes of the vectors in one request (NATS allows 1 MB a message): ~24 bytes a number. */
const VECTOR_JSON_BYTES = 480_000;
/** Base64 float32 bytes of the vectors in one assignment request: 5.4 bytes a number. */
const VECTOR_B64_BYTES = 600_000;

interface Pending {
  event: ArticleEmbeddedV1;
  causeId: string;
  order: number;
  log: winston.Logger;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

interface Prepared {
  pending: Pending;
  article: TrendArticleV1;
  vector: number[];
  terms: ReturnType<typeof articleTerms>;
  eventAt: Date;
}

/** What a lifecycle step needs to know about the article that caused it. */
interface Cause {
  articleId: number;
  title: string | null;
  lang: string | null;
}

function none(): Outcome {
  return { clusterId: null, created: false, duplicate: false, similarity: null, transition: null, announcements: [] };
}

/**
 * The trend stage's logic, a batch of articles at a time. The handler's calls are collected (up
 * to `TREND_BATCH_SIZE`, or what arrived within `TREND_BATCH_WAIT_MS`): one catalog request for
 * the articles, one vector request for their vectors, their leads from files at once, then one
 * catalog assignment per batch (one transaction, one lock), and the burst detector on each
 * article's cluster as the article left it. The stage keeps nothing between batches: centroids,
 * counts and ids are the catalog's, so replicas and restarts agree. A lifecycle step is recorded
 * by the catalog (compare-and-set) and announced once.
 */
@Injectable()
export class TrendService {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private order = 0;
  /** Assignments and lifecycle decisions run one batch at a time (the fetches of the next overlap). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly catalog: CatalogClient,
    private readonly vectors: VectorClient,
    private readonly files: FilesClient,
    @Inject(TREND_CONFIG) private readonly config: TrendConfig,
  ) {}

  /** One article's outcome, decided with the batch it falls into. */
  process(event: ArticleEmbeddedV1, log: winston.Logger, causeId = '', order?: number): Promise<Outcome> {
    if (!event.representative) {
      log.info(`article ${event.articleId} has no representative vector: not clustered`);
      return Promise.resolve(none());
    }
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ event, causeId, order: order ?? this.order++, log, resolve, reject });
      if (this.queue.length >= this.config.batchSize) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.config.batchWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.batchSize).sort((a, b) => a.order - b.order);
      void this.run(batch);
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    // The fetches of several batches overlap, but batches are assigned in the order they were
    // flushed (the stream's), not in the order their fetches finish: a later batch assigned first
    // would put articles into the catalog out of event order.
    const prepared = this.prepare(batch).catch((error: unknown) => {
      for (const p of batch) p.reject(error);
      return [] as Prepared[];
    });
    // Whatever goes wrong, every message of the batch is answered (a settled one stays as it was).
    const next = this.chain.then(async () => {
      const ready = await prepared;
      await this.assign(ready).catch((error: unknown) => {
        for (const p of ready) p.pending.reject(error);
      });
    });
    this.chain = next.catch(() => undefined);
    await next.catch(() => undefined);
  }

  /** The articles, vectors and leads of a batch; an item that cannot be prepared fails alone. */
  private async prepare(batch: Pending[]): Promise<Prepared[]> {
    const found = new Map((await this.catalog.articles(batch.map((p) => p.event.articleId))).map((a) => [a.articleId, a]));
    const bySpace = new Map<string, Pending[]>();
    for (const p of batch) {
      if (!found.has(p.event.articleId)) {
        p.reject(new PoisonMessageError(`article ${p.event.articleId} is not in the catalog`));
        continue;
      }
      const key = `${p.event.representative!.space}\n${p.event.representative!.dim}`;
      bySpace.set(key, [...(bySpace.get(key) ?? []), p]);
    }
    const vectors = new Map<Pending, number[] | null>();
    await Promise.all(
      [...bySpace.values()].map(async (list) => {
        const space = { name: list[0]!.event.representative!.space, dim: list[0]!.event.representative!.dim };
        const per = Math.max(1, Math.floor(VECTOR_JSON_BYTES / (space.dim * 24)));
        for (let i = 0; i < list.length; i += per) {
          const part = list.slice(i, i + per);
          const got = await this.vectors.getMany(space, part.map((p) => p.event.representative!.id));
          for (const p of part) vectors.set(p, got.get(p.event.representative!.id) ?? null);
        }
      }),
    );
    const out = await Promise.all(
      batch.map(async (p): Promise<Prepared | null> => {
        const article = found.get(p.event.articleId);
        if (!article) return null;
        const vector = vectors.get(p);
        // The embedder writes the vector before it publishes; missing means the vector service lost it or lags.
        if (!vector) {
          p.reject(new Error(`vector ${p.event.representative!.id} is not in space ${p.event.representative!.space} (yet)`));
          return null;
        }
        try {
          const lead = await this.lead(article);
          return { pending: p, article, vector, terms: articleTerms(article.title, lead), eventAt: eventTime(article) };
        } catch (error) {
          p.reject(error);
          return null;
        }
      }),
    );
    return out.filter((p): p is Prepared => p !== null);
  }

  /** One assignment request per space (and per size limit), then each article's lifecycle step. */
  private async assign(prepared: Prepared[]): Promise<void> {
    const bySpace = new Map<string, Prepared[]>();
    for (const p of prepared) {
      const key = `${p.pending.event.representative!.space}\n${p.pending.event.representative!.dim}\n${p.pending.event.standIn}`;
      bySpace.set(key, [...(bySpace.get(key) ?? []), p]);
    }
    for (const list of bySpace.values()) {
      const first = list[0]!.pending.event;
      const space = { name: first.representative!.space, dim: first.representative!.dim };
      const per = Math.max(1, Math.floor(VECTOR_B64_BYTES / (space.dim * 5.4)));
      for (let i = 0; i < list.length; i += per) {
        const part = list.slice(i, i + per);
        let answer: CatalogTrendAssignBatchResponseV1;
        try {
          answer = await this.catalog.assignBatch({
            space,
            items: part.map((p) => ({
              articleId: p.article.articleId,
              vectorF32: f32Base64(p.vector),
              eventAt: p.eventAt.toISOString(),
              category: p.article.category,
              hasMedia: p.article.hasMedia,
              terms: p.terms,
            })),
            threshold: first.standIn ? this.config.similarityStandIn : this.config.similarity,
            mergeThreshold: first.standIn ? this.config.mergeSimilarityStandIn : this.config.mergeSimilarity,
            ...(this.config.splitMinMembers > 0 ? { splitThreshold: first.standIn ? this.config.splitSimilarityStandIn : this.config.splitSimilarity, splitMinMembers: this.config.splitMinMembers } : {}),
            binSeconds: this.config.burst.binSeconds,
            liveSeconds: this.config.liveSeconds,
            historyBins: this.config.burst.historyBins,
          });
        } catch (error) {
          for (const p of part) p.pending.reject(error);
          continue;
        }
        await this.lifecycles(part, answer);
      }
    }
  }

  /**
   * Each article's step, in the batch's order, on its cluster as the article left it: the bins the
   * batch's later articles added are taken out again, so a burst is called at the article that
   * made it, as when articles came one at a time.
   */
  private async lifecycles(part: Prepared[], answer: CatalogTrendAssignBatchResponseV1): Promise<void> {
    const views = new Map(answer.clusters.map((c) => [c.clusterId, c]));
    // Bins before the batch: the final ones without the batch's own articles.
    const working = new Map<number, Map<string, number>>();
    for (const c of answer.clusters) working.set(c.clusterId, new Map(c.bins.map((b) => [b.binStart, b.articles])));
    for (const r of answer.results) {
      if (r.notFound || r.duplicate || r.clusterId === null || r.binStart === null) continue;
      const bins = working.get(r.clusterId);
      const n = bins?.get(r.binStart);
      if (bins && n !== undefined) bins.set(r.binStart, n - 1);
    }
    const stale = new Set<number>();
    const stages = new Map<number, { stage: TrendStageV1; stageAt: string | null }>();
    for (const [index, p] of part.entries()) {
      const r = answer.results[index]!;
      if (r.notFound) {
        p.pending.reject(new PoisonMessageError(`article ${r.articleId} is not in the catalog`));
        continue;
      }
      try {
        const outcome: Outcome = { clusterId: r.clusterId, created: r.created, duplicate: r.duplicate, similarity: r.similarity, transition: null, announcements: [], splitOff: r.splitOff };
        if (r.splitOff !== null) p.pending.log.info(`cluster ${r.clusterId === r.splitOff ? 'of article' : r.clusterId} split: cluster ${r.splitOff} is the part that went its own way (split edge)`);
        const final = r.clusterId === null ? undefined : views.get(r.clusterId);
        if (final && r.clusterId !== null) {
          const bins = working.get(r.clusterId)!;
          if (!r.duplicate && r.binStart !== null) bins.set(r.binStart, (bins.get(r.binStart) ?? 0) + 1);
          const known = stages.get(r.clusterId);
          const view: TrendClusterV1 = {
            ...final,
            firstSeenAt: r.firstSeenAt ?? final.firstSeenAt,
            lastSeenAt: r.lastSeenAt ?? final.lastSeenAt,
            stage: known?.stage ?? final.stage,
            stageAt: known ? known.stageAt : final.stageAt,
            bins: [...bins.entries()].filter(([, n]) => n > 0).map(([binStart, articles]) => ({ binStart, articles })).sort((a, b) => a.binStart.localeCompare(b.binStart)),
          };
          if (!stale.has(r.clusterId)) {
            const nowMs = Math.max(p.eventAt.getTime(), Date.parse(view.lastSeenAt));
            const step = await this.step(view, nowMs, { articleId: p.article.articleId, title: p.article.title, lang: p.article.lang }, p.pending.causeId, p.pending.log);
            if (step) {
              outcome.transition = step.transition;
              outcome.announcements.push(...step.announcements);
              if (step.applied) stages.set(r.clusterId, { stage: step.stage, stageAt: new Date(nowMs).toISOString() });
              else if (step.stage !== view.stage) stale.add(r.clusterId);
            }
          }
        }
        p.pending.resolve(outcome);
      } catch (error) {
        p.pending.reject(error);
      }
    }
  }

  /**
   * Decides the cluster's next step at `nowMs` (if any), records it and lists what to announce.
   * `causeId` is the message (or sweep) that decided it: only its handler announces a step.
   */
  async step(
    cluster: TrendClusterV1,
    nowMs: number,
    cause: Cause | null,
    causeId: string,
    log: winston.Logger,
  ): Promise<{ applied: boolean; stage: TrendStageV1; transition: string | null; announcements: Announcement[] } | null> {
    if (cluster.mergedInto !== null) return null;
    const decision = decide(cluster, nowMs, this.config.burst);
    if (!decision || decision.toStage === 'new') return null;
    return this.record(cluster, decision, nowMs, cause, causeId, log);
  }

  private async record(cluster: TrendClusterV1, decision: Decision, nowMs: number, cause: Cause | null, causeId: string, log: winston.Logger) {
    const labels = labelTerms(cluster.terms, this.config.labelTerms);
    const representative = await this.representative(cluster, cause);
    const text = trendText({
      stage: decision.toStage as Exclude<TrendStageV1, 'new'>,
      labels,
      title: representative?.title ?? null,
      lang: representative?.lang ?? null,
      articles: decision.toStage === 'emerging' ? Math.max(decision.count, 1) : cluster.memberCount,
      growth: decision.growth,
    });
    const result = await this.catalog.transition({
      clusterId: cluster.clusterId,
      fromStage: cluster.stage,
      toStage: decision.toStage,
      binStart: new Date(decision.binStartMs).toISOString(),
      eventAt: new Date(nowMs).toISOString(),
      score: decision.score,
      growth: decision.growth,
      windowStart: new Date(decision.windowStartMs).toISOString(),
      windowEnd: new Date(decision.windowEndMs).toISOString(),
      text,
      detector: TEMPLATE_DETECTOR,
      maxArticles: 200,
      ...(causeId ? { causedBy: causeId } : {}),
    });
    const transition = result.transition;
    const out = { applied: result.applied, stage: result.stage, transition: null as string | null, announcements: [] as Announcement[] };
    if (!transition) return out;
    out.transition = `${transition.fromStage} -> ${transition.toStage}`;
    if (result.applied) log.info(`trend ${transition.trendId} (cluster ${cluster.clusterId}) ${transition.fromStage} -> ${transition.toStage}: ${text.replace('\n', ' / ')}`);
    if (transition.published || transition.toStage === 'new' || !this.config.publishStages.includes(transition.toStage)) return out;
    // Another replica's article decided this step and announces it; a redelivery of the deciding
    // message announces it again (same message id, so JetStream keeps one).
    if (!result.applied && transition.causedBy && transition.causedBy !== causeId) return out;
    out.announcements.push({
      transitionId: transition.transitionId,
      // The same transition always gets the same message id: a retry publishes nothing new.
      key: `trend:${cluster.clusterId}:${transition.toStage}:${transition.binStart}`,
      payload: {
        trendId: transition.trendId,
        text,
        category: cluster.category,
        windowStart: new Date(decision.windowStartMs).toISOString(),
        windowEnd: new Date(decision.windowEndMs).toISOString(),
        articleIds: transition.articleIds,
        score: decision.score,
        detector: TEMPLATE_DETECTOR,
        clusterId: cluster.clusterId,
        stage: transition.toStage,
        growth: decision.growth,
        representativeArticleId: cluster.representativeArticleId,
        labelTerms: labels,
        textSource: 'template',
        lang: representative?.lang ?? null,
      },
    });
    return out;
  }

  async markPublished(transitionId: number, eventId: string): Promise<void> {
    await this.catalog.published(transitionId, eventId);
  }

  private async representative(cluster: TrendClusterV1, cause: Cause | null): Promise<{ title: string; lang: string | null } | null> {
    if (cause && (cluster.representativeArticleId === null || cluster.representativeArticleId === cause.articleId)) return { title: cause.title ?? '', lang: cause.lang };
    if (cluster.representativeArticleId === null) return null;
    const found = (await this.catalog.getArticle(cluster.representativeArticleId))?.article;
    if (found) return { title: found.title, lang: found.lang };
    return cause ? { title: cause.title ?? '', lang: cause.lang } : null;
  }

  /** The summary and the first characters of the text file (a range request, not the whole file). */
  private async lead(article: TrendArticleV1): Promise<string> {
    const parts = [article.summary ?? ''];
    if (article.textKey && this.config.textChars > 0) {
      try {
        // UTF-8 is at most 4 bytes a character; a cut character at the end becomes U+FFFD and is dropped.
        const bytes = await this.files.getRange(article.textKey, 0, this.config.textChars * 3 - 1);
        parts.push(new TextDecoder().decode(bytes).replace(/\uFFFD+$/, '').slice(0, this.config.textChars));
      } catch (error) {
        if (!(error instanceof FilesNotFoundError)) throw error;
      }
    }
    return parts.join('\n');
  }
}

/** A vector as little-endian float32 in base64 (what the catalog keeps, at a quarter of the JSON). */
export function f32Base64(vector: number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}

/** When the article happened: its published time, else (or when that is implausible) its scrape time. */
export function eventTime(article: { publishedAt: string | null; scrapedAt: string }): Date {
  const scraped = Date.parse(article.scrapedAt);
  const published = article.publishedAt === null ? NaN : Date.parse(article.publishedAt);
  if (Number.isFinite(published) && published <= scraped + FUTURE_SLACK_MS) return new Date(published);
  return new Date(scraped);
}
