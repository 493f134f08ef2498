import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const ArticleStoredV1 = defineContract(
  Events.ArticleStoredV1,
  z.object({
    articleId: z.number().int().positive(),
    url: z.url(),
    title: z.string().max(1000),
    category: z.string().max(64),
    lang: z.string().max(16).nullable(),
    textKey: z.string().max(512),
    contentHash: z.string().max(128),
    media: z
      .array(
        z.object({
          mediaId: z.number().int().positive(),
          kind: z.enum(['image', 'video', 'embed']),
          key: z.string().max(512).nullable(),
          position: z.number().int().nonnegative(),
        }),
      )
      .max(500),
    duplicateOf: z.number().int().positive().nullable().optional(),
  }),
);
export type ArticleStoredV1 = Payload<typeof ArticleStoredV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.article.stored.v1': typeof ArticleStoredV1;
  }
}
