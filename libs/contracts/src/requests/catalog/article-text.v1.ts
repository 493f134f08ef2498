import { z } from 'zod';
import { defineRequest, type RequestOf } from '../../define.js';
import { Requests } from '../../subjects.js';
import { ArticleV1 } from './article.v1.js';

/**
 * Records where an article's text file is, once it is stored: the key only exists after the row
 * (it contains the article id), so it cannot come with the upsert. Setting the same values again
 * is a no-op; a different key for an article that has one is a `conflict`.
 */
export const CatalogArticleTextV1 = defineRequest(
  Requests.CatalogArticleTextV1,
  z.object({
    articleId: z.number().int().positive(),
    textKey: z.string().min(1).max(512),
    textBytes: z.number().int().nonnegative(),
    textSha256: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256'),
  }),
  z.object({ article: ArticleV1 }),
);
export type CatalogArticleTextRequestV1 = RequestOf<typeof CatalogArticleTextV1>;

/**
 * The article's pipeline.article.stored.v1 is in the stream: sets `announcedAt` once (a repeat
 * keeps the first time). The scraper calls it after the publish is acked.
 */
export const CatalogArticleAnnouncedV1 = defineRequest(
  Requests.CatalogArticleAnnouncedV1,
  z.object({ articleId: z.number().int().positive() }),
  z.object({ article: ArticleV1 }),
);
