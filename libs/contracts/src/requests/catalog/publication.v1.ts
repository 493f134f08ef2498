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
  }),
  z.object({ publicationId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogPublicationRecordRequestV1 = RequestOf<typeof CatalogPublicationRecordV1>;
export type CatalogPublicationRecordResponseV1 = ResponseOf<typeof CatalogPublicationRecordV1>;
