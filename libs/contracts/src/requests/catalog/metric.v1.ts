import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * Adds a metric snapshot of a publication; snapshots are never overwritten. Idempotent on
 * (publication, slotAt) when a schedule slot is given, else on (publication, capturedAt).
 */
export const CatalogMetricAddV1 = defineRequest(
  Requests.CatalogMetricAddV1,
  z.object({
    publicationId: z.number().int().positive(),
    views: count,
    likes: count,
    comments: count,
    capturedAt: z.iso.datetime({ offset: true }),
    slotAt: z.iso.datetime({ offset: true }).optional(),
    /** Where the counts came from, e.g. `youtube.videos.list` or `outbox-standin`. */
    source: z.string().min(1).max(32).optional(),
  }),
  z.object({ snapshotId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogMetricAddRequestV1 = RequestOf<typeof CatalogMetricAddV1>;
export type CatalogMetricAddResponseV1 = ResponseOf<typeof CatalogMetricAddV1>;
