import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const optionalCount = z.number().int().nonnegative().max(2_000_000_000).nullable().optional();

/**
 * Records a written story. Idempotent on (trend, article, model, variant): a retried writer gets
 * the stored row back (with its text key) instead of a second story; a deliberate rewrite uses a
 * new variant (the story stage uses its prompt template's version).
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
    /** The prompt template (`config/prompts/`) and its version. */
    templateId: z.string().min(1).max(128).nullable().optional(),
    templateVersion: z.number().int().nonnegative().max(1000).nullable().optional(),
    /** Why this article of the trend was chosen ("representative", "best member with media"). */
    articleReason: z.string().max(256).nullable().optional(),
    promptTokens: optionalCount,
    completionTokens: optionalCount,
    latencyMs: optionalCount,
    /** The model's finish reason (`stop`); `standin` for the template writer. */
    finishReason: z.string().max(32).nullable().optional(),
    /** Repair requests the writer needed for a valid script (0 or 1). */
    repairs: z.number().int().nonnegative().max(100).nullable().optional(),
  }),
  z.object({ storyId: z.number().int().positive(), created: z.boolean(), textKey: z.string() }),
);
export type CatalogStoryCreateRequestV1 = RequestOf<typeof CatalogStoryCreateV1>;
export type CatalogStoryCreateResponseV1 = ResponseOf<typeof CatalogStoryCreateV1>;

export const StoryRowV1 = z.object({
  storyId: z.number().int().positive(),
  trendId: z.number().int().positive(),
  articleId: z.number().int().positive(),
  model: z.string(),
  standIn: z.boolean(),
  variant: z.number().int(),
  textKey: z.string(),
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  articleReason: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  finishReason: z.string().nullable(),
  repairs: z.number().int().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type StoryRowV1 = z.infer<typeof StoryRowV1>;

/**
 * The stories of a trend at one variant (any article, any model), oldest first: a story writer
 * asks before writing, so a redelivered or repeated trend event writes nothing new.
 */
export const CatalogStoryFindV1 = defineRequest(
  Requests.CatalogStoryFindV1,
  z.object({ trendId: z.number().int().positive(), variant: z.number().int().nonnegative().max(1000).optional() }),
  z.object({ stories: z.array(StoryRowV1) }),
);
export type CatalogStoryFindRequestV1 = RequestOf<typeof CatalogStoryFindV1>;
export type CatalogStoryFindResponseV1 = ResponseOf<typeof CatalogStoryFindV1>;

/**
 * How many stories were written in [since, until) for trends of one category (null: trends
 * without a category): the story stage's daily cap per category.
 */
export const CatalogStoryCountV1 = defineRequest(
  Requests.CatalogStoryCountV1,
  z.object({ category: z.string().min(1).max(64).nullable(), since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }) }),
  z.object({ count: z.number().int().nonnegative() }),
);
export type CatalogStoryCountRequestV1 = RequestOf<typeof CatalogStoryCountV1>;
export type CatalogStoryCountResponseV1 = ResponseOf<typeof CatalogStoryCountV1>;
