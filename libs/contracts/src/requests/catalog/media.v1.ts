import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';
import { MediaInputV1, MediaResultV1, MediaStatus, MediaV1 } from './article.v1.js';

/** Adds media found later to a stored article; idempotent on (article, position). */
export const CatalogMediaAddV1 = defineRequest(
  Requests.CatalogMediaAddV1,
  z.object({ articleId: z.number().int().positive(), media: z.array(MediaInputV1).min(1).max(500) }),
  z.object({ media: z.array(MediaResultV1) }),
);
export type CatalogMediaAddRequestV1 = RequestOf<typeof CatalogMediaAddV1>;

/**
 * Records what the download found (file key, size, checksum, dimensions), or why it failed
 * (`status: 'failed'` and `error`). Only the fields given are changed; a `fileKey` without a status
 * means `stored` (and clears an earlier error). `not-found` when the media id is unknown.
 */
export const CatalogMediaUpdateV1 = defineRequest(
  Requests.CatalogMediaUpdateV1,
  z.object({
    mediaId: z.number().int().positive(),
    fileKey: z.string().min(1).max(512).nullable().optional(),
    bytes: z.number().int().nonnegative().nullable().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256').nullable().optional(),
    width: z.number().int().positive().max(100_000).nullable().optional(),
    height: z.number().int().positive().max(100_000).nullable().optional(),
    durationS: z.number().nonnegative().max(1_000_000).nullable().optional(),
    contentType: z.string().max(128).nullable().optional(),
    caption: z.string().max(1000).nullable().optional(),
    status: MediaStatus.nullable().optional(),
    error: z.string().max(1000).nullable().optional(),
  }),
  z.object({ media: MediaV1 }),
);
export type CatalogMediaUpdateRequestV1 = RequestOf<typeof CatalogMediaUpdateV1>;
export type CatalogMediaUpdateResponseV1 = ResponseOf<typeof CatalogMediaUpdateV1>;
