import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

// What the publisher and metrics stages keep in the catalog: the channels (their state: paused
// until the quota day resets, or disabled with the reason), the per-channel quota ledger, and one
// upload row per (edit, platform) holding the resumable session URI before the first byte is sent.

const isoTime = z.iso.datetime({ offset: true });
const platform = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase platform name such as youtube');
const channelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a channel name: letters, digits, _ . -');
export const ChannelStatus = z.enum(['active', 'paused', 'disabled']);
export const UploadStatus = z.enum(['pending', 'uploading', 'uploaded', 'published', 'failed']);
export const QuotaBucketName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);
export const QuotaDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a quota day YYYY-MM-DD (America/Los_Angeles)');

export const ChannelV1 = z.object({
  channelId: z.number().int().positive(),
  platform: z.string(),
  name: z.string(),
  /** The platform's id of the channel (YouTube `UC...`) once seen; null before. */
  externalId: z.string().nullable(),
  status: ChannelStatus,
  pausedUntil: isoTime.nullable(),
  reason: z.string().nullable(),
  updatedAt: isoTime,
});
export type ChannelV1 = z.infer<typeof ChannelV1>;

/** Makes sure a row exists for every configured channel (new ones start active); returns them all. */
export const CatalogChannelSyncV1 = defineRequest(
  Requests.CatalogChannelSyncV1,
  z.object({ platform, names: z.array(channelName).min(1).max(500) }),
  z.object({ channels: z.array(ChannelV1) }),
);
export type CatalogChannelSyncResponseV1 = ResponseOf<typeof CatalogChannelSyncV1>;

/**
 * Changes a channel's state: `paused` until a time (a quota error), `disabled` with the reason
 * (a revoked token: only a person re-enables it), `active` again. Also records its external id.
 */
export const CatalogChannelSetV1 = defineRequest(
  Requests.CatalogChannelSetV1,
  z.object({
    platform,
    name: channelName,
    status: ChannelStatus.optional(),
    pausedUntil: isoTime.nullable().optional(),
    reason: z.string().max(1000).nullable().optional(),
    externalId: z.string().min(1).max(64).optional(),
  }),
  z.object({ channel: ChannelV1 }),
);
export type CatalogChannelSetRequestV1 = RequestOf<typeof CatalogChannelSetV1>;

/**
 * Draws `units` from a channel's bucket for a quota day, only if that keeps it within `limit`
 * (one atomic update, so replicas cannot overdraw together). `exhaust` marks the bucket empty
 * (the platform said so, whatever the ledger thought).
 */
export const CatalogQuotaReserveV1 = defineRequest(
  Requests.CatalogQuotaReserveV1,
  z.object({
    platform,
    channel: channelName,
    day: QuotaDay,
    bucket: QuotaBucketName,
    units: z.number().int().nonnegative().max(1_000_000),
    limit: z.number().int().nonnegative().max(100_000_000),
    exhaust: z.boolean().optional(),
  }),
  z.object({ granted: z.boolean(), used: z.number().int().nonnegative(), limit: z.number().int().nonnegative() }),
);
export type CatalogQuotaReserveRequestV1 = RequestOf<typeof CatalogQuotaReserveV1>;
export type CatalogQuotaReserveResponseV1 = ResponseOf<typeof CatalogQuotaReserveV1>;

/** The units used per bucket of a channel on a quota day. */
export const CatalogQuotaUsageV1 = defineRequest(
  Requests.CatalogQuotaUsageV1,
  z.object({ platform, channel: channelName, day: QuotaDay }),
  z.object({ buckets: z.array(z.object({ bucket: z.string(), units: z.number().int().nonnegative(), updatedAt: isoTime })) }),
);
export type CatalogQuotaUsageResponseV1 = ResponseOf<typeof CatalogQuotaUsageV1>;

export const UploadV1 = z.object({
  uploadId: z.number().int().positive(),
  editId: z.number().int().positive(),
  platform: z.string(),
  channel: z.string(),
  /** The resumable session, recorded before its first byte; a redelivery resumes it. */
  sessionUri: z.string().nullable(),
  status: UploadStatus,
  externalId: z.string().nullable(),
  bytes: z.number().int().nonnegative().nullable(),
  sha256: z.string().nullable(),
  sessions: z.number().int().nonnegative(),
  error: z.string().nullable(),
  startedAt: isoTime,
  updatedAt: isoTime,
});
export type UploadV1 = z.infer<typeof UploadV1>;

/**
 * Everything the publisher needs about an edit: the edit, the story behind it (its script file),
 * the trend's category (routing), the source article (attribution), and any upload or publication
 * already made for it on this platform.
 */
export const CatalogUploadContextV1 = defineRequest(
  Requests.CatalogUploadContextV1,
  z.object({ editId: z.number().int().positive(), platform }),
  z.object({
    edit: z.object({
      editId: z.number().int().positive(),
      videoId: z.number().int().positive(),
      editor: z.string(),
      standIn: z.boolean(),
      platformProfile: z.string(),
      fileKey: z.string(),
      durationS: z.number(),
    }),
    video: z.object({ videoId: z.number().int().positive(), model: z.string(), standIn: z.boolean() }),
    story: z.object({ storyId: z.number().int().positive(), textKey: z.string(), model: z.string(), standIn: z.boolean() }),
    trend: z.object({ trendId: z.number().int().positive(), text: z.string(), category: z.string().nullable() }),
    article: z.object({ articleId: z.number().int().positive(), url: z.string(), title: z.string(), category: z.string().nullable() }),
    upload: UploadV1.nullable(),
    publicationId: z.number().int().positive().nullable(),
  }),
);
export type CatalogUploadContextResponseV1 = ResponseOf<typeof CatalogUploadContextV1>;

/**
 * Claims the upload of an edit to a platform: the first claim fixes the channel; a later claim
 * (a redelivery, another replica) gets the same row back, with its session URI if one was opened.
 */
export const CatalogUploadClaimV1 = defineRequest(
  Requests.CatalogUploadClaimV1,
  z.object({
    editId: z.number().int().positive(),
    platform,
    channel: channelName,
    bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  }),
  z.object({ upload: UploadV1, created: z.boolean() }),
);
export type CatalogUploadClaimRequestV1 = RequestOf<typeof CatalogUploadClaimV1>;

/**
 * Records an upload's progress. A new `sessionUri` counts a session; `externalId`, once set, never
 * changes (another value is a `conflict`): the platform holds that video.
 */
export const CatalogUploadUpdateV1 = defineRequest(
  Requests.CatalogUploadUpdateV1,
  z.object({
    uploadId: z.number().int().positive(),
    status: UploadStatus.optional(),
    sessionUri: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    externalId: z.string().min(1).max(64).optional(),
    error: z.string().max(1000).nullable().optional(),
  }),
  z.object({ upload: UploadV1 }),
);
export type CatalogUploadUpdateRequestV1 = RequestOf<typeof CatalogUploadUpdateV1>;

/** The platform's processing verdict on a publication, checked after the upload (and later). */
export const CatalogPublicationStatusV1 = defineRequest(
  Requests.CatalogPublicationStatusV1,
  z.object({
    publicationId: z.number().int().positive(),
    /** YouTube `status.uploadStatus`: uploaded, processed, failed, rejected, deleted. */
    uploadStatus: z.string().min(1).max(16),
    rejectionReason: z.string().max(64).nullable().optional(),
    privacyStatus: z.string().max(16).nullable().optional(),
    checkedAt: isoTime,
  }),
  z.object({ publicationId: z.number().int().positive() }),
);
export type CatalogPublicationStatusRequestV1 = RequestOf<typeof CatalogPublicationStatusV1>;

/**
 * Daily views of a publication from the platform's analytics (YouTube Analytics, two days late).
 * One row per (publication, day); a day already stored is kept as it was (rows are never rewritten).
 */
export const CatalogMetricDailyV1 = defineRequest(
  Requests.CatalogMetricDailyV1,
  z.object({
    publicationId: z.number().int().positive(),
    days: z.array(z.object({ day: QuotaDay, views: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })).max(400),
    source: z.string().min(1).max(32),
    capturedAt: isoTime,
  }),
  z.object({ created: z.number().int().nonnegative(), existing: z.number().int().nonnegative() }),
);
export type CatalogMetricDailyRequestV1 = RequestOf<typeof CatalogMetricDailyV1>;
