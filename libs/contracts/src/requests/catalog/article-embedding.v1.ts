import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const isoTime = z.iso.datetime({ offset: true });

/** One embedding space an article was written to (`<modality>__<model>__<dim>`, as the vector service names it). */
export const ArticleEmbeddingSpaceV1 = z.object({
  space: z.string().min(1).max(128),
  /** The model id as the embedder reports it (`standin-hash-ngram-v1`, `BAAI/bge-m3`). */
  model: z.string().min(1).max(255),
  dim: z.number().int().positive().max(65_536),
  vectors: z.number().int().nonnegative().max(100_000),
  /** Parts meant for this space that could not be embedded (a corrupt image, a video without a frame). */
  failedParts: z.number().int().nonnegative().max(100_000),
});

/**
 * Records that an article was embedded, one row per (article, space). Idempotent: a repeat (a
 * redelivery, a re-run) keeps the first `embeddedAt` and updates the counts and `updatedAt`.
 * `not-found` when the article is unknown.
 */
export const CatalogArticleEmbeddedV1 = defineRequest(
  Requests.CatalogArticleEmbeddedV1,
  z.object({
    articleId: z.number().int().positive(),
    standIn: z.boolean(),
    embeddedAt: isoTime,
    spaces: z.array(ArticleEmbeddingSpaceV1).min(1).max(16),
  }),
  z.object({
    articleId: z.number().int().positive(),
    spaces: z.array(
      z.object({
        space: z.string(),
        model: z.string(),
        vectors: z.number().int(),
        failedParts: z.number().int(),
        standIn: z.boolean(),
        /** The first time this article was embedded into this space. */
        embeddedAt: isoTime,
        /** The latest time. */
        updatedAt: isoTime,
        created: z.boolean(),
      }),
    ),
  }),
);
export type CatalogArticleEmbeddedRequestV1 = RequestOf<typeof CatalogArticleEmbeddedV1>;
export type CatalogArticleEmbeddedResponseV1 = ResponseOf<typeof CatalogArticleEmbeddedV1>;
