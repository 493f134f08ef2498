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

/**
 * The compact draft, for small grammar-constrained engines (the in-process Gemma 3 270M, a
 * llama-server on a laptop): only what needs a writer, every value bounded by the grammar itself
 * so that any reply the grammar accepts is valid here and the reply's token budget can be computed
 * from the schema (`outputTokenBound`). Title, hook and per scene the narration, the medium (an
 * enum of the article's ids or null) and a duration (an enum of whole seconds: grammars bound
 * neither digits nor numeric ranges). What is left out (on-screen text, video segment, hashtags)
 * is filled by code and recorded as such (`expandCompactDraft`).
 */
export interface CompactLimits {
  maxScenes: number;
  titleChars: number;
  hookChars: number;
  narrationChars: number;
  /** Whole seconds a scene may last. */
  durations: number[];
}

export const COMPACT_LIMITS: CompactLimits = {
  maxScenes: 3,
  titleChars: 40,
  hookChars: 60,
  narrationChars: 80,
  durations: [2, 3, 4, 5, 6, 7, 8, 9, 10],
};

/**
 * A string as a grammar bounds it: `minLength`/`maxLength` count characters (code points; an
 * escape is one), not UTF-16 units as zod's `.max` does, and whitespace counts. Blank strings pass
 * here and are filled by code in the expansion, recorded as such.
 */
function grammarString(min: number, max: number) {
  return z.string().refine((text) => {
    const length = Array.from(text).length;
    return length >= min && length <= max;
  }, `between ${min} and ${max} characters`);
}

export function compactDraftSchema(mediaIds: number[], limits: CompactLimits = COMPACT_LIMITS) {
  const allowed = new Set(mediaIds);
  const durations = new Set(limits.durations);
  return z.object({
    title: grammarString(1, limits.titleChars),
    hook: grammarString(1, limits.hookChars),
    scenes: z
      .array(
        z.object({
          narration: grammarString(1, limits.narrationChars),
          mediaId: z
            .number()
            .int()
            .nullable()
            .refine((id) => id === null || allowed.has(id), 'not one of the article media ids'),
          durationS: z.number().refine((seconds) => durations.has(seconds), `one of ${limits.durations.join(', ')}`),
        }),
      )
      .min(1)
      .max(limits.maxScenes),
  });
}
export type CompactDraft = z.infer<ReturnType<typeof compactDraftSchema>>;

export function compactDraftJsonSchema(mediaIds: number[], limits: CompactLimits = COMPACT_LIMITS): JsonSchema {
  return {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, maxLength: limits.titleChars },
      hook: { type: 'string', minLength: 1, maxLength: limits.hookChars },
      scenes: {
        type: 'array',
        minItems: 1,
        maxItems: limits.maxScenes,
        items: {
          type: 'object',
          properties: {
            narration: { type: 'string', minLength: 1, maxLength: limits.narrationChars },
            mediaId: { enum: [...mediaIds, null] },
            durationS: { enum: [...limits.durations] },
          },
          required: ['narration', 'mediaId', 'durationS'],
          additionalProperties: false,
        },
      },
    },
    required: ['title', 'hook', 'scenes'],
    additionalProperties: false,
  };
}
