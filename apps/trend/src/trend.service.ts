import type { ArticleEmbeddedV1, ArticleV1, CatalogTrendAssignResponseV1, TrendClusterV1, TrendDetectedV1 } from '#contracts';
import { FilesClient, FilesNotFoundError } from '#files-client';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { decide } from './burst.js';
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
}

/** A published time this far after the scrape is a bad date: the scrape time stands in. */
const FUTURE_SLACK_MS = 86_400_000;

/**
 * The trend stage's logic. Per article: its title, lead and representative vector; its cluster
 * from the catalog (which keeps centroids, counts and ids, so replicas and restarts agree); then
 * the burst detector on the cluster's bins; a lifecycle step is recorded by the catalog
 * (compare-and-set) and announced once.
 */
@Injectable()
export class TrendService {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly vectors: VectorClient,
    private readonly files: FilesClient,
    @Inject(TREND_CONFIG) private readonly config: TrendConfig,
  ) {}

  async process(event: ArticleEmbeddedV1, log: winston.Logger, causeId = ''): Promise<Outcome> {
    const none: Outcome = { clusterId: null, created: false, duplicate: false, similarity: null, transition: null, announcements: [] };
    if (!event.representative) {
      log.info(`article ${event.articleId} has no representative vector: not clustered`);
      return none;
    }
    const found = await this.catalog.getArticle(event.articleId);
    if (!found) throw new PoisonMessageError(`article ${event.articleId} is not in the catalog`);
    const { article, media } = found;
    const space = { name: event.representative.space, dim: event.representative.dim };
    const [vector, lead] = await Promise.all([this.vectors.get(space, event.representative.id), this.lead(article)]);
    // The embedder writes the vector before it publishes; missing means the vector service lost it or lags.
    if (!vector) throw new Error(`vector ${event.representative.id} is not in space ${space.name} (yet)`);
    const terms = articleTerms(article.title, lead);
    const eventAt = eventTime(article);
    const hasMedia = media.some((m) => (m.kind === 'image' || m.kind === 'video') && m.fileKey !== null && m.status !== 'failed');
    const assigned = await this.catalog.assign({
      articleId: article.articleId,
      space,
      vector,
      eventAt: eventAt.toISOString(),
      category: article.category,
      hasMedia,
      terms,
      threshold: event.standIn ? this.config.similarityStandIn : this.config.similarity,
      mergeThreshold: event.standIn ? this.config.mergeSimilarityStandIn : this.config.mergeSimilarity,
      binSeconds: this.config.burst.binSeconds,
      liveSeconds: this.config.liveSeconds,
      historyBins: this.config.burst.historyBins,
    });
    const outcome: Outcome = {
      clusterId: assigned.cluster.clusterId,
      created: assigned.created,
      duplicate: assigned.duplicate,
      similarity: assigned.similarity,
      transition: null,
      announcements: [],
    };
    await this.lifecycle(assigned, eventAt, article, outcome, log, causeId);
    return outcome;
  }

  /** Decides the cluster's next step (if any), records it and lists what to announce. */
  private async lifecycle(assigned: CatalogTrendAssignResponseV1, eventAt: Date, article: ArticleV1, outcome: Outcome, log: winston.Logger, causeId: string): Promise<void> {
    const cluster = assigned.cluster;
    if (cluster.mergedInto !== null) return;
    // The cluster is judged at its latest article: a late one does not look at an old state.
    const nowMs = Math.max(eventAt.getTime(), Date.parse(cluster.lastSeenAt));
    const decision = decide(cluster, nowMs, this.config.burst);
    if (!decision || decision.toStage === 'new') return;
    const labels = labelTerms(cluster.terms, this.config.labelTerms);
    const representative = await this.representative(cluster, article);
    const text = trendText({
      stage: decision.toStage,
      labels,
      title: representative?.title ?? null,
      lang: representative?.lang ?? article.lang,
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
    if (!transition) return;
    outcome.transition = `${transition.fromStage} -> ${transition.toStage}`;
    if (result.applied) log.info(`trend ${transition.trendId} (cluster ${cluster.clusterId}) ${transition.fromStage} -> ${transition.toStage}: ${text.replace('\n', ' / ')}`);
    if (transition.published || transition.toStage === 'new' || !this.config.publishStages.includes(transition.toStage)) return;
    // Another replica's article decided this step and announces it; a redelivery of the deciding
    // message announces it again (same message id, so JetStream keeps one).
    if (!result.applied && transition.causedBy && transition.causedBy !== causeId) return;
    outcome.announcements.push({
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
        lang: representative?.lang ?? article.lang,
      },
    });
  }

  async markPublished(transitionId: number, eventId: string): Promise<void> {
    await this.catalog.published(transitionId, eventId);
  }

  private async representative(cluster: TrendClusterV1, article: ArticleV1): Promise<ArticleV1 | null> {
    if (cluster.representativeArticleId === null || cluster.representativeArticleId === article.articleId) return article;
    return (await this.catalog.getArticle(cluster.representativeArticleId))?.article ?? article;
  }

  /** The summary and the first characters of the text file (a range request, not the whole file). */
  private async lead(article: ArticleV1): Promise<string> {
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

/** When the article happened: its published time, else (or when that is implausible) its scrape time. */
export function eventTime(article: ArticleV1): Date {
  const scraped = Date.parse(article.scrapedAt);
  const published = article.publishedAt === null ? NaN : Date.parse(article.publishedAt);
  if (Number.isFinite(published) && published <= scraped + FUTURE_SLACK_MS) return new Date(published);
  return new Date(scraped);
}
