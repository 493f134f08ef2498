import { z } from 'zod';

/**
 * An editor's plan for one generated video (the edit decision list), kept with the edit in the
 * catalog. Every time is in seconds of the INPUT video; the executor maps them onto the output
 * timeline after the cuts. Every property is required (nullable where it may be absent) so the
 * same shapes can be sent to a model as a strict `json_schema`.
 */
const seconds = z.number().min(0).max(86_400);

export const EditCutV1 = z.object({
  startS: seconds,
  endS: seconds,
  /** Why: `silence`, `model: <what>`, ... */
  reason: z.string().max(300),
});
export type EditCutV1 = z.infer<typeof EditCutV1>;

export const EditEmphasisV1 = z.object({
  startS: seconds,
  endS: seconds,
  /** `highlight`: contrast and saturation lifted for the span (a cheap, visible punch). */
  kind: z.enum(['highlight']),
  note: z.string().max(300),
});
export type EditEmphasisV1 = z.infer<typeof EditEmphasisV1>;

export const EditSubtitleCueV1 = z.object({
  startS: seconds,
  endS: seconds,
  text: z.string().max(1200),
});
export type EditSubtitleCueV1 = z.infer<typeof EditSubtitleCueV1>;

/** What a reviewing model said about the video; null for the heuristic planner. */
export const EditVerdictV1 = z.object({
  matchesStory: z.boolean(),
  problems: z.array(z.string().max(500)).max(20),
});
export type EditVerdictV1 = z.infer<typeof EditVerdictV1>;

export const EditDecisionListV1 = z.object({
  version: z.literal(1),
  /** `heuristic`, or the model that planned (its id as the server named it). */
  planner: z.string().max(160),
  source: z.object({ durationS: seconds, fps: z.number().positive().max(240), constantFrameRate: z.boolean() }),
  /** The span of the input that is kept before the cuts (trimmed to the platform maximum). */
  keep: z.object({ startS: seconds, endS: seconds }),
  /** Ranges of the input removed, in order, not overlapping. */
  cuts: z.array(EditCutV1).max(2000),
  emphasis: z.array(EditEmphasisV1).max(200),
  /** Cues in input time, from the script's scenes (null text when unknown is not allowed: no cue). */
  subtitles: z.array(EditSubtitleCueV1).max(500),
  /** The thumbnail frame, in input time (a scene change where there is one). */
  thumbnailS: seconds,
  verdict: EditVerdictV1.nullable(),
  /** Decisions the planner wants a reader to know (e.g. "silence cuts skipped: they would remove 80%"). */
  notes: z.array(z.string().max(500)).max(50),
});
export type EditDecisionListV1 = z.infer<typeof EditDecisionListV1>;
