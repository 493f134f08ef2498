import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/** Records a generated video (one MP4 with its sound). Idempotent on (story, model, variant). */
export const CatalogVideoCreateV1 = defineRequest(
  Requests.CatalogVideoCreateV1,
  z.object({
    storyId: z.number().int().positive(),
    model: z.string().min(1).max(128),
    standIn: z.boolean(),
    fileKey: z.string().min(1).max(512),
    durationS: z.number().nonnegative().max(1_000_000),
    hasAudio: z.boolean(),
    generatedAt: z.iso.datetime({ offset: true }),
    variant: z.number().int().nonnegative().max(1000).default(0),
    /**
     * Where the sound came from: `model` (the AV model made video and sound), `speech:<model>`
     * (a speech server, muxed in), `espeak-ng:<voice>` (the embedded voice), null = not said.
     */
    narrationSource: z.string().min(1).max(64).nullable().optional(),
    width: z.number().int().positive().max(100_000).nullable().optional(),
    height: z.number().int().positive().max(100_000).nullable().optional(),
    fps: z.number().positive().max(1000).nullable().optional(),
  }),
  z.object({ videoId: z.number().int().positive(), created: z.boolean(), fileKey: z.string() }),
);
export type CatalogVideoCreateRequestV1 = RequestOf<typeof CatalogVideoCreateV1>;
export type CatalogVideoCreateResponseV1 = ResponseOf<typeof CatalogVideoCreateV1>;
