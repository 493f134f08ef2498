import type { JsonSchema } from '#llm';
import { z } from 'zod';

/**
 * What a model writes: the script less what the stage knows better (language, source URL).
 * The schema sent is built per article, so that `mediaId` can only name the article's own media.
 */
/** Limits of a draft: small ones keep a small model's reply within its token budget. */
export interface DraftLimits {
  maxScenes: number;
  narrationChars: number;
}

export function draftSchema(mediaIds: number[], { maxScenes, narrationChars }: DraftLimits) {
  const allowed = new Set(mediaIds);
  return z.object({
    title: z.string().trim().min(1).max(120),
    hook: z.string().trim().min(1).max(200),
    scenes: z
      .array(
        z.object({
          narration: z.string().trim().min(1).max(narrationChars),
          onScreen: z.string().max(200),
          mediaId: z
            .number()
            .int()
            .nullable()
            .refine((id) => id === null || allowed.has(id), 'not one of the article media ids'),
          startS: z.number().nonnegative().nullable(),
          endS: z.number().nonnegative().nullable(),
          durationS: z.number().min(0.5).max(60),
        }),
      )
      .min(1)
      .max(maxScenes),
    hashtags: z.array(z.string().trim().min(1).max(40)).max(8),
  });
}
export type StoryDraft = z.infer<ReturnType<typeof draftSchema>>;

export function draftJsonSchema(mediaIds: number[], { maxScenes, narrationChars }: DraftLimits): JsonSchema {
  const scene = {
    type: 'object',
    properties: {
      narration: { type: 'string', minLength: 1, maxLength: narrationChars },
      onScreen: { type: 'string', maxLength: 200 },
      mediaId: { enum: [...mediaIds, null] },
      startS: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] },
      endS: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] },
      durationS: { type: 'number', minimum: 0.5, maximum: 60 },
    },
    required: ['narration', 'onScreen', 'mediaId', 'startS', 'endS', 'durationS'],
    additionalProperties: false,
  };
  return {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 120 },
      hook: { type: 'string', minLength: 1, maxLength: 200 },
      scenes: { type: 'array', items: scene, minItems: 1, maxItems: maxScenes },
      hashtags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, maxItems: 8 },
    },
    required: ['title', 'hook', 'scenes', 'hashtags'],
    additionalProperties: false,
  };
}
