import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * Records a written story. Idempotent on (trend, article, model, variant): a retried writer gets
 * the stored row back (with its text key) instead of a second story; a deliberate rewrite uses a
 * new variant.
 */
export const CatalogStoryCreateV1 = defineRequest(
  Requests.CatalogStoryCreateV1,
  z.object({
    trendId: z.number().int().positive(),
    articleId: z.number().int().positive(),
    model: z.string().min(1).max(128),
    standIn: z.boolean(),
    textKey: z.string().min(1).max(512),
    /** The prompt is a file too (prompts grow); null when not kept. */
    promptKey: z.string().min(1).max(512).nullable().optional(),
    variant: z.number().int().nonnegative().max(1000).default(0),
  }),
  z.object({ storyId: z.number().int().positive(), created: z.boolean(), textKey: z.string() }),
);
export type CatalogStoryCreateRequestV1 = RequestOf<typeof CatalogStoryCreateV1>;
export type CatalogStoryCreateResponseV1 = ResponseOf<typeof CatalogStoryCreateV1>;
