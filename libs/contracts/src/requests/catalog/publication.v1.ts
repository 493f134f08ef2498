import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * Records that an edit is live on a platform account. Idempotent on (platform, externalId);
 * the same pair for another edit is a `conflict`. From then on the edit's and its video's files
 * count as published for retention.
 */
export const CatalogPublicationRecordV1 = defineRequest(
  Requests.CatalogPublicationRecordV1,
  z.object({
    editId: z.number().int().positive(),
    platform: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase platform name such as youtube'),
    account: z.string().min(1).max(128),
    /** The platform's id of the upload (case-sensitive, compared byte for byte). */
    externalId: z.string().min(1).max(256),
    url: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    publishedAt: z.iso.datetime({ offset: true }),
    /** The video's title as published. */
    title: z.string().max(200).nullable().optional(),
    /** As read back from the platform after the upload (never assumed from what was sent). */
    privacyStatus: z.string().max(16).nullable().optional(),
    /** The platform's processing state (YouTube `status.uploadStatus`) and, when rejected, why. */
    uploadStatus: z.string().max(16).nullable().optional(),
    rejectionReason: z.string().max(64).nullable().optional(),
  }),
  z.object({ publicationId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogPublicationRecordRequestV1 = RequestOf<typeof CatalogPublicationRecordV1>;
export type CatalogPublicationRecordResponseV1 = ResponseOf<typeof CatalogPublicationRecordV1>;

const isoTime = z.iso.datetime({ offset: true });

export const PublicationV1 = z.object({
  publicationId: z.number().int().positive(),
  editId: z.number().int().positive(),
  platform: z.string(),
  account: z.string(),
  externalId: z.string(),
  url: z.string().nullable(),
  publishedAt: isoTime,
  /** The catalog's channel row behind `account` (null for platforms without channel rows). */
  channelId: z.number().int().positive().nullable().optional(),
  title: z.string().nullable().optional(),
  privacyStatus: z.string().nullable().optional(),
  uploadStatus: z.string().nullable().optional(),
  rejectionReason: z.string().nullable().optional(),
  statusCheckedAt: isoTime.nullable().optional(),
});
export type PublicationV1 = z.infer<typeof PublicationV1>;

export const MetricSnapshotV1 = z.object({
  views: z.number().int().nonnegative(),
  likes: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  capturedAt: isoTime,
  /** The schedule slot the snapshot was taken for, and where the counts came from. */
  slotAt: isoTime.nullable().optional(),
  source: z.string().nullable().optional(),
});
export type MetricSnapshotV1 = z.infer<typeof MetricSnapshotV1>;

/** Publications in a window of publish time, newest first, paged like `catalog.article.list.v1`. */
export const CatalogPublicationListV1 = defineRequest(
  Requests.CatalogPublicationListV1,
  z.object({
    platform: z.string().max(32).nullable().optional(),
    from: isoTime,
    to: isoTime,
    pageSize: z.number().int().positive().max(500).default(100),
    cursor: z.string().max(200).nullable().optional(),
  }),
  z.object({ publications: z.array(PublicationV1), nextCursor: z.string().nullable() }),
);
export type CatalogPublicationListRequestV1 = RequestOf<typeof CatalogPublicationListV1>;
export type CatalogPublicationListResponseV1 = ResponseOf<typeof CatalogPublicationListV1>;

/**
 * One publication with everything behind it: edit, generated video, story, trend, article, and
 * its metric snapshots in capture order (the latest `metricsLimit`).
 */
export const CatalogPublicationGetV1 = defineRequest(
  Requests.CatalogPublicationGetV1,
  z.object({ publicationId: z.number().int().positive(), metricsLimit: z.number().int().nonnegative().max(1000).default(100) }),
  z.object({
    publication: PublicationV1,
    edit: z.object({
      editId: z.number().int().positive(),
      editor: z.string(),
      standIn: z.boolean(),
      platformProfile: z.string(),
      fileKey: z.string(),
      durationS: z.number(),
      editedAt: isoTime,
    }),
    video: z.object({
      videoId: z.number().int().positive(),
      model: z.string(),
      standIn: z.boolean(),
      fileKey: z.string(),
      durationS: z.number(),
      hasAudio: z.boolean(),
      generatedAt: isoTime,
    }),
    story: z.object({
      storyId: z.number().int().positive(),
      model: z.string(),
      standIn: z.boolean(),
      variant: z.number().int().nonnegative(),
      textKey: z.string(),
      promptKey: z.string().nullable(),
      createdAt: isoTime,
    }),
    trend: z.object({
      trendId: z.number().int().positive(),
      text: z.string(),
      category: z.string().nullable(),
      windowStart: isoTime,
      windowEnd: isoTime,
      score: z.number(),
      detector: z.string(),
    }),
    articleId: z.number().int().positive(),
    metrics: z.array(MetricSnapshotV1),
  }),
);
export type CatalogPublicationGetResponseV1 = ResponseOf<typeof CatalogPublicationGetV1>;
