import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const ArticleEmbeddedV1 = defineContract(
  Events.ArticleEmbeddedV1,
  z.object({
    articleId: z.number().int().positive(),
    spaces: z
      .array(
        z.object({
          space: z.string().max(128),
          vectors: z.number().int().nonnegative(),
          /** The space's vector length, so a consumer can query it (`{ name: space, dim }`). */
          dim: z.number().int().positive().optional(),
        }),
      )
      .max(16),
    failedParts: z.array(z.object({ part: z.string().max(128), error: z.string().max(2000) })).max(500),
    standIn: z.boolean(),
    /** Where the article's representative vector (`article:<id>`) is; absent when it has none. */
    representative: z.object({ space: z.string().max(128), dim: z.number().int().positive(), id: z.string().max(128) }).optional(),
  }),
);
export type ArticleEmbeddedV1 = Payload<typeof ArticleEmbeddedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.article.embedded.v1': typeof ArticleEmbeddedV1;
  }
}
