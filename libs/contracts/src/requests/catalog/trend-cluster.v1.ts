import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const id = z.number().int().positive();
const isoTime = z.iso.datetime({ offset: true });
const spaceName = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ and - only');

/** A trend cluster's lifecycle: `new` until a burst, then emerging -> peaking -> fading (and again). */
export const TrendStageV1 = z.enum(['new', 'emerging', 'peaking', 'fading']);
export type TrendStageV1 = z.infer<typeof TrendStageV1>;

export const TrendTermV1 = z.object({ term: z.string().min(1).max(64), weight: z.number().finite().nonnegative() });
export type TrendTermV1 = z.infer<typeof TrendTermV1>;

const TrendBinV1 = z.object({ binStart: isoTime, articles: z.number().int().nonnegative() });

export const TrendClusterV1 = z.object({
  clusterId: id,
  space: z.string(),
  memberCount: z.number().int().nonnegative(),
  mediaMemberCount: z.number().int().nonnegative(),
  category: z.string().nullable(),
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
  stage: TrendStageV1,
  stageAt: isoTime.nullable(),
  trendId: id.nullable(),
  representativeArticleId: id.nullable(),
  /** The members' most frequent label terms, most documents first: [term, documents]. */
  terms: z.array(z.tuple([z.string(), z.number()])).max(64),
  mergedInto: id.nullable(),
  /** Counts per bin, oldest first, only bins with articles, within the requested history. */
  bins: z.array(TrendBinV1),
});
export type TrendClusterV1 = z.infer<typeof TrendClusterV1>;

/**
 * Puts an article into the nearest live cluster of its vector space when the cosine similarity to
 * the cluster's centroid reaches `threshold`, else opens a new cluster. Serialized by the catalog
 * (one assignment at a time per database) and idempotent on the article: a repeat answers the
 * first assignment with `duplicate: true` and changes nothing.
 */
export const CatalogTrendAssignV1 = defineRequest(
  Requests.CatalogTrendAssignV1,
  z.object({
    articleId: id,
    space: z.object({ name: spaceName, dim: z.number().int().min(2).max(8192) }),
    vector: z.array(z.number().finite()).min(2).max(8192),
    /** Event time of the article (published, else scraped): it picks the bin. */
    eventAt: isoTime,
    category: z.string().max(64).nullable().optional(),
    hasMedia: z.boolean().default(false),
    /** The article's label terms (title and lead), best first. */
    terms: z.array(TrendTermV1).max(32).default([]),
    threshold: z.number().min(-1).max(1),
    /** Above this similarity between two live centroids an article that reaches both merges them. */
    mergeThreshold: z.number().min(-1).max(1).default(0.9),
    binSeconds: z.number().int().min(60).max(30 * 86_400),
    /** A cluster without an article for this long is no longer a candidate. */
    liveSeconds: z.number().int().min(60).max(365 * 86_400),
    /** How many bins of history to answer with. */
    historyBins: z.number().int().min(1).max(1000).default(72),
  }),
  z.object({
    cluster: TrendClusterV1,
    created: z.boolean(),
    duplicate: z.boolean(),
    similarity: z.number(),
    /** A cluster this assignment merged into the answered one (recorded as a `merge` edge). */
    mergedFrom: id.nullable(),
  }),
);
export type CatalogTrendAssignRequestV1 = RequestOf<typeof CatalogTrendAssignV1>;
export type CatalogTrendAssignResponseV1 = ResponseOf<typeof CatalogTrendAssignV1>;

/**
 * Moves a cluster to another lifecycle stage if it is still in `fromStage` (compare-and-set, so two
 * replicas deciding the same step record it once). The first transition gives the cluster its
 * `trend` row (stable trend id); the text, score and window of that row follow the latest one.
 * Idempotent on (cluster, toStage, binStart): a repeat answers the stored transition.
 */
export const CatalogTrendTransitionV1 = defineRequest(
  Requests.CatalogTrendTransitionV1,
  z.object({
    clusterId: id,
    fromStage: TrendStageV1,
    toStage: TrendStageV1,
    binStart: isoTime,
    eventAt: isoTime,
    score: z.number().finite(),
    growth: z.number().finite(),
    windowStart: isoTime,
    windowEnd: isoTime,
    text: z.string().min(1).max(1000),
    /** Who wrote the text: `trend-stage:template`, or a model's id. */
    detector: z.string().min(1).max(128),
    /** Members to link to the trend row and answer, newest first (capped). */
    maxArticles: z.number().int().min(0).max(1000).default(200),
    /** The message that decided the step: only its handler announces it (another replica's article does not). */
    causedBy: z.string().min(1).max(128).optional(),
  }),
  z.object({
    /** true when this request moved the stage; false when it was already recorded or the stage had moved on. */
    applied: z.boolean(),
    transition: z
      .object({
        transitionId: id,
        trendId: id,
        fromStage: TrendStageV1,
        toStage: TrendStageV1,
        binStart: isoTime,
        published: z.boolean(),
        /** The message that decided the step (absent before it was published by a catalog without it). */
        causedBy: z.string().nullable().optional(),
        articleIds: z.array(id),
      })
      .nullable(),
    stage: TrendStageV1,
  }),
);
export type CatalogTrendTransitionRequestV1 = RequestOf<typeof CatalogTrendTransitionV1>;
export type CatalogTrendTransitionResponseV1 = ResponseOf<typeof CatalogTrendTransitionV1>;

/** Marks a transition's event as published (its message id), so a retry does not publish it again. */
export const CatalogTrendPublishedV1 = defineRequest(
  Requests.CatalogTrendPublishedV1,
  z.object({ transitionId: id, eventId: z.string().min(1).max(128), publishedAt: isoTime }),
  z.object({ ok: z.literal(true) }),
);

/** One cluster with its bin history, for the report and the tests. */
export const CatalogTrendClusterGetV1 = defineRequest(
  Requests.CatalogTrendClusterGetV1,
  z.object({ clusterId: id, historyBins: z.number().int().min(1).max(1000).default(72), binSeconds: z.number().int().min(60).default(3600) }),
  z.object({ cluster: TrendClusterV1 }),
);

/** Lifecycle transitions in a window of event time, oldest first (trend id, stage, text). */
export const CatalogTrendTransitionListV1 = defineRequest(
  Requests.CatalogTrendTransitionListV1,
  z.object({ since: isoTime, until: isoTime, limit: z.number().int().min(1).max(1000).default(200), afterId: z.number().int().nonnegative().default(0) }),
  z.object({
    transitions: z.array(
      z.object({
        transitionId: id,
        clusterId: id,
        trendId: id.nullable(),
        fromStage: TrendStageV1,
        toStage: TrendStageV1,
        eventAt: isoTime,
        score: z.number(),
        growth: z.number(),
        text: z.string(),
        published: z.boolean(),
      }),
    ),
  }),
);
