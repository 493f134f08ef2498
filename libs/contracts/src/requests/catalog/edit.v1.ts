import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';
import { EditDecisionListV1 } from '../../documents/edit-decision-list.v1.js';

/** A figure that may be unmeasurable (silence has no loudness): null then. */
const figure = z.number().nullable();
const stretch = z.object({ startS: z.number(), endS: z.number() });

/** What the editor's QA gate measured on an output (docs/editor.md). */
export const EditQaFiguresV1 = z.object({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  videoCodec: z.string().max(32).nullable(),
  videoProfile: z.string().max(64).nullable(),
  pixFmt: z.string().max(32).nullable(),
  fps: figure,
  audioCodec: z.string().max(32).nullable(),
  audioSampleRate: z.number().int().nonnegative(),
  audioChannels: z.number().int().nonnegative(),
  faststart: z.boolean(),
  durationS: figure,
  videoDurationS: figure,
  audioDurationS: figure,
  avDriftMs: figure,
  lufs: figure,
  truePeakDb: figure,
  lraLu: figure,
  longestBlackS: figure,
  longestFrozenS: figure,
  black: z.array(stretch).max(1000),
  frozen: z.array(stretch).max(1000),
  /** How loudness was reached: `linear` loudnorm, `gain+limiter`, or `none`. */
  loudnessMode: z.string().max(32).optional(),
  /** `copy` when the picture was already right and only the sound was re-encoded. */
  video: z.enum(['copy', 'encode']).optional(),
});
export type EditQaFiguresV1 = z.infer<typeof EditQaFiguresV1>;

/** Records an edited cut of a video. Idempotent on (video, editor, platform profile). */
export const CatalogEditCreateV1 = defineRequest(
  Requests.CatalogEditCreateV1,
  z.object({
    videoId: z.number().int().positive(),
    editor: z.string().min(1).max(128),
    standIn: z.boolean(),
    /** youtube-shorts, youtube, ... */
    platformProfile: z.string().min(1).max(64),
    fileKey: z.string().min(1).max(512),
    durationS: z.number().nonnegative().max(1_000_000),
    editedAt: z.iso.datetime({ offset: true }),
    /** The thumbnail JPEG (a frame at a scene change). */
    thumbnailKey: z.string().min(1).max(512).nullable().optional(),
    /** `heuristic`, or the model that planned. */
    planner: z.string().min(1).max(160).nullable().optional(),
    plan: EditDecisionListV1.nullable().optional(),
    qa: EditQaFiguresV1.nullable().optional(),
  }),
  z.object({ editId: z.number().int().positive(), created: z.boolean(), fileKey: z.string() }),
);
export type CatalogEditCreateRequestV1 = RequestOf<typeof CatalogEditCreateV1>;
export type CatalogEditCreateResponseV1 = ResponseOf<typeof CatalogEditCreateV1>;
