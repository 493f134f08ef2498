import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * The vector service's API. A space is one embedding model's vectors (`<modality>__<model>__<dim>`);
 * vectors of two models never mix. Vectors travel as plain number arrays (a 512-d vector is ~5 kB
 * of JSON, far below the 1 MB message limit; upserts are capped at 200 rows per request).
 */
const spaceName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, _ and - only');
export const VectorSpaceV1 = z.object({ name: spaceName, dim: z.number().int().min(2).max(8192) });
export const VectorKindV1 = z.enum(['text', 'image', 'video', 'article']);
const vectorId = z.string().min(1).max(128);
const vector = z.array(z.number().finite()).min(2).max(8192);
const isoTime = z.iso.datetime({ offset: true });

export const VectorRowV1 = z.object({
  id: vectorId,
  vector,
  articleId: z.number().int().positive(),
  category: z.string().max(64),
  source: z.string().max(128),
  kind: VectorKindV1,
  createdAt: isoTime,
});
export type VectorRowV1 = z.infer<typeof VectorRowV1>;

export const VectorFilterV1 = z.object({
  category: z.string().max(64).optional(),
  kinds: z.array(VectorKindV1).max(4).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  articleIdNot: z.number().int().positive().optional(),
});

const VectorHitV1 = z.object({
  id: z.string(),
  score: z.number(),
  articleId: z.number().int(),
  category: z.string(),
  source: z.string(),
  kind: VectorKindV1,
  createdAt: isoTime,
});
export type VectorHitV1 = z.infer<typeof VectorHitV1>;

export const VectorUpsertV1 = defineRequest(
  Requests.VectorUpsertV1,
  z.object({ space: VectorSpaceV1, rows: z.array(VectorRowV1).min(1).max(200) }),
  z.object({ upserted: z.number().int().nonnegative() }),
);

export const VectorDeleteV1 = defineRequest(
  Requests.VectorDeleteV1,
  z.object({ space: VectorSpaceV1, ids: z.array(vectorId).min(1).max(1000) }),
  z.object({ deleted: z.number().int().nonnegative() }),
);

export const VectorSearchV1 = defineRequest(
  Requests.VectorSearchV1,
  z.object({ space: VectorSpaceV1, vector, k: z.number().int().min(1).max(1000), filter: VectorFilterV1.optional() }),
  z.object({ hits: z.array(VectorHitV1) }),
);

export const VectorGetV1 = defineRequest(
  Requests.VectorGetV1,
  z.object({ space: VectorSpaceV1, ids: z.array(vectorId).min(1).max(1000) }),
  z.object({ rows: z.array(VectorRowV1) }),
);

/** Articles whose representative vector is nearest to this article's, the article itself left out. */
export const VectorSimilarV1 = defineRequest(
  Requests.VectorSimilarV1,
  z.object({ space: VectorSpaceV1, articleId: z.number().int().positive(), k: z.number().int().min(1).max(100), filter: VectorFilterV1.optional() }),
  z.object({ hits: z.array(VectorHitV1) }),
);

export const VectorCountV1 = defineRequest(
  Requests.VectorCountV1,
  z.object({ space: VectorSpaceV1 }),
  z.object({ count: z.number().int().nonnegative() }),
);

export type VectorSearchRequestV1 = RequestOf<typeof VectorSearchV1>;
export type VectorSearchResponseV1 = ResponseOf<typeof VectorSearchV1>;
