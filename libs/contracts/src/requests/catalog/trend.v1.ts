import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * Stores a detected (or externally observed) trend with the articles behind it. Idempotent on
 * (detector, window, text): a retry returns the same trend and adds only missing article links.
 */
export const CatalogTrendCreateV1 = defineRequest(
  Requests.CatalogTrendCreateV1,
  z.object({
    text: z.string().min(1).max(1000),
    category: z.string().min(1).max(64).nullable().optional(),
    windowStart: z.iso.datetime({ offset: true }),
    windowEnd: z.iso.datetime({ offset: true }),
    score: z.number().finite(),
    /** Who found it: a detector name, or an external trend source such as `google-trends`. */
    detector: z.string().min(1).max(128),
    articleIds: z.array(z.number().int().positive()).max(1000).default([]),
  }),
  z.object({ trendId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogTrendCreateRequestV1 = RequestOf<typeof CatalogTrendCreateV1>;
export type CatalogTrendCreateResponseV1 = ResponseOf<typeof CatalogTrendCreateV1>;
