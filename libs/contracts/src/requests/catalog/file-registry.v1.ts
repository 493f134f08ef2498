import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * Retention classes, in eviction order: published videos may go at once; scraped media and text
 * go oldest first past a minimum age; unpublished generated videos are never evicted.
 */
export const FileClass = z.enum(['published-video', 'scraped', 'generated-unpublished', 'other']);
export type FileClass = z.infer<typeof FileClass>;

const key = z.string().min(1).max(512);

export const CatalogFileRegisterV1 = defineRequest(
  Requests.CatalogFileRegisterV1,
  z.object({
    key,
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    contentType: z.string().max(128).nullable(),
    fileClass: FileClass,
    articleId: z.number().int().positive().nullable().optional(),
  }),
  z.object({ fileId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogFileRegisterRequestV1 = RequestOf<typeof CatalogFileRegisterV1>;
export type CatalogFileRegisterResponseV1 = ResponseOf<typeof CatalogFileRegisterV1>;

/**
 * A running story or render holds its input files until `until`; held files are never evicted.
 * Holds are per holder: `until: null` holds with no end; the holder releases by sending a time
 * that is not in the future (other holders keep theirs). `held` counts the keys found in the registry.
 */
export const CatalogFileHoldV1 = defineRequest(
  Requests.CatalogFileHoldV1,
  z.object({ keys: z.array(key).max(1000), until: z.iso.datetime({ offset: true }).nullable(), holder: z.string().max(128) }),
  z.object({ held: z.number().int().nonnegative() }),
);
export type CatalogFileHoldRequestV1 = RequestOf<typeof CatalogFileHoldV1>;
export type CatalogFileHoldResponseV1 = ResponseOf<typeof CatalogFileHoldV1>;

/** The row stays; it is marked purged with the time. `updated` is false when it already was (or is unknown). */
export const CatalogFilePurgedV1 = defineRequest(
  Requests.CatalogFilePurgedV1,
  z.object({ key, purgedAt: z.iso.datetime({ offset: true }), reason: z.enum(['published', 'age', 'manual']) }),
  z.object({ updated: z.boolean() }),
);
export type CatalogFilePurgedRequestV1 = RequestOf<typeof CatalogFilePurgedV1>;
export type CatalogFilePurgedResponseV1 = ResponseOf<typeof CatalogFilePurgedV1>;

export const CatalogRetentionPlanV1 = defineRequest(
  Requests.CatalogRetentionPlanV1,
  z.object({
    bytesToFree: z.number().int().positive(),
    /** Scraped files younger than this are kept. */
    minAgeSeconds: z.number().int().nonnegative(),
    /** At most this many candidates per answer; the caller asks again after purging them. */
    limit: z.number().int().positive().max(10_000).default(1000),
  }),
  z.object({
    candidates: z.array(z.object({ key, bytes: z.number().int().nonnegative(), reason: z.enum(['published', 'age']) })),
    plannedBytes: z.number().int().nonnegative(),
  }),
);
export type CatalogRetentionPlanRequestV1 = RequestOf<typeof CatalogRetentionPlanV1>;
export type CatalogRetentionPlanResponseV1 = ResponseOf<typeof CatalogRetentionPlanV1>;
