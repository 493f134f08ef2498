import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const isoTime = z.iso.datetime({ offset: true });
/**
 * The rows' times: the same ISO 8601 form checked by one plain pattern (z.iso.datetime's pattern
 * was half of a row's validation cost, and a report reads 100,000 rows).
 */
const rowTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, 'an ISO 8601 time with its offset');
const views = z.number().int().nonnegative().nullable();

/** One publication with its lineage: trend → story → source article → video → edit → platform/channel, and its views. */
export const LineageRowV1 = z.object({
  publicationId: z.number().int().positive(),
  platform: z.string(),
  /** The channel's name (the publication's account) and its platform id when known. */
  channel: z.string(),
  channelExternalId: z.string().nullable(),
  publishedAt: rowTime,
  title: z.string().nullable(),
  url: z.string().nullable(),
  privacyStatus: z.string().nullable(),
  uploadStatus: z.string().nullable(),
  trend: z.object({
    id: z.number().int().positive(),
    text: z.string(),
    /** The cluster's lifecycle stage at publication (last transition at or before it); null when none is recorded. */
    stageAtPublication: z.string().nullable(),
  }),
  story: z.object({ id: z.number().int().positive(), title: z.string().nullable(), template: z.string().nullable(), model: z.string(), standIn: z.boolean() }),
  article: z.object({ id: z.number().int().positive(), title: z.string(), url: z.string(), category: z.string().nullable() }),
  video: z.object({ id: z.number().int().positive(), model: z.string(), standIn: z.boolean() }),
  edit: z.object({ id: z.number().int().positive(), editor: z.string(), standIn: z.boolean() }),
  /** Views of the first snapshot captured at or after publishedAt + 1 h, + 24 h, + 7 d; null when there is none yet. */
  views1h: views,
  views24h: views,
  views7d: views,
  /** The latest snapshot's views and when it was captured. */
  viewsLatest: views,
  latestAt: rowTime.nullable(),
  snapshots: z.number().int().nonnegative(),
  /** Where the latest counts came from (e.g. `youtube.videos.list`, `outbox-standin`). */
  metricSource: z.string().nullable(),
});
export type LineageRowV1 = z.infer<typeof LineageRowV1>;

/**
 * Publications in [from, to) (by published_at), oldest first, one page at a time (a NATS reply is
 * at most 1 MB): pass `nextCursor` back until it is null.
 */
export const CatalogReportLineageV1 = defineRequest(
  Requests.CatalogReportLineageV1,
  z.object({
    from: isoTime,
    to: isoTime,
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(1000).default(250),
  }),
  z.object({ rows: z.array(LineageRowV1), nextCursor: z.string().nullable() }),
);
export type CatalogReportLineageRequestV1 = RequestOf<typeof CatalogReportLineageV1>;
export type CatalogReportLineageResponseV1 = ResponseOf<typeof CatalogReportLineageV1>;

/** The external trends (trendwatch snapshots) of each UTC day in [from, to): the top terms per day. */
export const CatalogReportExternalTrendsV1 = defineRequest(
  Requests.CatalogReportExternalTrendsV1,
  z.object({ from: isoTime, to: isoTime, perDay: z.number().int().min(1).max(50).default(10) }),
  z.object({
    days: z.array(
      z.object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        terms: z.array(
          z.object({
            term: z.string(),
            sources: z.array(z.string()),
            /** In how many of the day's snapshots the term appeared, and its best position. */
            snapshots: z.number().int().positive(),
            bestPosition: z.number().int().nonnegative(),
            standIn: z.boolean(),
          }),
        ),
      }),
    ),
  }),
);
export type CatalogReportExternalTrendsResponseV1 = ResponseOf<typeof CatalogReportExternalTrendsV1>;
