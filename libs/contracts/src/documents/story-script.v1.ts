import { z } from 'zod';

/**
 * The script a story writer produces and a video generator renders: the story file on the file
 * server (`pipeline.story.written.v1`'s `textKey`) holds one of these as JSON. Every property is
 * required (nullable where it may be absent) so the same shape can be sent to a model as a strict
 * `json_schema`.
 */
export const StorySceneV1 = z.object({
  /** What the voice says in this scene. */
  narration: z.string().min(1).max(1200),
  /** What the viewer sees (a description for a video model; a caption for the stand-in). */
  onScreen: z.string().max(600),
  /** One of the source article's media (catalog media id), or null for a title card / generated shot. */
  mediaId: z.number().int().positive().nullable(),
  /** For a video medium: the segment to use, in seconds from its start; null = from the start / to the end. */
  startS: z.number().nonnegative().nullable(),
  endS: z.number().nonnegative().nullable(),
  durationS: z.number().min(0.5).max(60),
});
export type StorySceneV1 = z.infer<typeof StorySceneV1>;

export const StoryScriptV1 = z.object({
  title: z.string().min(1).max(200),
  /** The first two seconds: what stops the scroll. */
  hook: z.string().min(1).max(300),
  /** BCP 47 language of narration and subtitles, e.g. "ko" or "en". */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
  scenes: z.array(StorySceneV1).min(1).max(24),
  hashtags: z.array(z.string().min(1).max(64)).max(15),
  /** The source article's URL, for attribution in the description. */
  sourceUrl: z.string().url().max(2048),
});
export type StoryScriptV1 = z.infer<typeof StoryScriptV1>;
