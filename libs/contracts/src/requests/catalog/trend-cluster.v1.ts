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

const TrendAssignItemV1 = z.object({
  articleId: id,
  /** The vector as numbers, or (`vectorF32`) as little-endian float32 in base64: a quarter of the bytes and no per-number parsing. */
  vector: z.array(z.number().finite()).min(2).max(8192).optional(),
  vectorF32: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64').max(44_000).optional(),
  eventAt: isoTime,
  category: z.string().max(64).nullable().optional(),
  hasMedia: z.boolean().default(false),
  terms: z.array(TrendTermV1).max(32).default([]),
}).refine((item) => (item.vector === undefined) !== (item.vectorF32 === undefined), { message: 'give vector or vectorF32, not both' });

/**
 * A batch of `catalog.trend.assign.v1` for one vector space, in one transaction under one lock
 * acquisition, assigned in the order given (each article sees the clusters the earlier ones
 * opened or moved). Idempotent per article. An article the catalog does not know is answered
 * `notFound` and changes nothing; the others are assigned.
 */
export const CatalogTrendAssignBatchV1 = defineRequest(
  Requests.CatalogTrendAssignBatchV1,
  z.object({
    space: z.object({ name: spaceName, dim: z.number().int().min(2).max(8192) }),
    items: z.array(TrendAssignItemV1).min(1).max(500),
    threshold: z.number().min(-1).max(1),
    mergeThreshold: z.number().min(-1).max(1).default(0.9),
    /**
     * Two parts of one cluster whose centroids are less similar than this split: the later part
     * becomes a new cluster (a `split` edge; no id changes). Absent: splits are not looked for.
     */
    splitThreshold: z.number().min(-1).max(1).optional(),
    /** Fewest members each part needs before a split. */
    splitMinMembers: z.number().int().min(2).max(100_000).default(5),
    binSeconds: z.number().int().min(60).max(30 * 86_400),
    liveSeconds: z.number().int().min(60).max(365 * 86_400),
    historyBins: z.number().int().min(1).max(1000).default(72),
  }),
  z.object({
    /** One per item, in the order given. */
    results: z.array(
      z.object({
        articleId: id,
        /** Unknown article: nothing was changed for it. */
        notFound: z.boolean().default(false),
        clusterId: id.nullable(),
        created: z.boolean(),
        duplicate: z.boolean(),
        similarity: z.number(),
        mergedFrom: id.nullable(),
        /** A cluster split off the answered one by this assignment. */
        splitOff: id.nullable().default(null),
        /** The cluster's first and last event time right after this article joined. */
        firstSeenAt: isoTime.nullable(),
        lastSeenAt: isoTime.nullable(),
        /** The bin this article was counted in (null for a repeat). */
        binStart: isoTime.nullable(),
      }),
    ),
    /** Every cluster the results name, as it is after the whole batch. */
    clusters: z.array(TrendClusterV1),
  }),
);
export type CatalogTrendAssignBatchRequestV1 = RequestOf<typeof CatalogTrendAssignBatchV1>;
export type CatalogTrendAssignBatchResponseV1 = ResponseOf<typeof CatalogTrendAssignBatchV1>;

/** What the trend stage needs of a batch of articles (one request instead of one per article). */
export const TrendArticleV1 = z.object({
  articleId: id,
  title: z.string(),
  summary: z.string().nullable(),
  lang: z.string().nullable(),
  category: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  scrapedAt: isoTime,
  textKey: z.string().nullable(),
  /** Stored images or video (not failed). */
  hasMedia: z.boolean(),
});
export type TrendArticleV1 = z.infer<typeof TrendArticleV1>;

export const CatalogTrendArticlesV1 = defineRequest(
  Requests.CatalogTrendArticlesV1,
  z.object({ articleIds: z.array(id).min(1).max(500) }),
  /** The known ones, in no particular order; an id missing here is not in the catalog. */
  z.object({ articles: z.array(TrendArticleV1) }),
);

/**
 * The clusters in a live stage (emerging or peaking) of every space, with their bins, for the
 * stage's periodic sweep, and each space's event clock: the latest event time it has seen,
 * advanced by the wall-clock time since it was seen (capped by the wall clock), so a replay of
 * old articles and a live stream both let time pass when articles stop coming.
 */
export const CatalogTrendLiveV1 = defineRequest(
  Requests.CatalogTrendLiveV1,
  z.object({
    binSeconds: z.number().int().min(60).max(30 * 86_400),
    historyBins: z.number().int().min(1).max(1000).default(72),
    limit: z.number().int().min(1).max(500).default(200),
    afterId: z.number().int().nonnegative().default(0),
  }),
  z.object({
    clocks: z.array(z.object({ space: z.string(), clock: isoTime })),
    clusters: z.array(TrendClusterV1),
  }),
);
