import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const VideoEditedV1 = defineContract(
  Events.VideoEditedV1,
  z.object({
    editId: z.number().int().positive(),
    videoId: z.number().int().positive(),
    editor: z.string().max(128),
    standIn: z.boolean(),
    platformProfile: z.string().max(64),
    fileKey: z.string().max(512),
    durationS: z.number().nonnegative(),
    /** The thumbnail JPEG, for the publisher's thumbnails.set. */
    thumbnailKey: z.string().max(512).optional(),
    /** `heuristic`, or the model that planned the cuts. */
    planner: z.string().max(160).optional(),
    /** QA figures of the file (it passed the gate, or there would be no event). */
    lufs: z.number().optional(),
    truePeakDb: z.number().optional(),
    avDriftMs: z.number().nonnegative().optional(),
  }),
);
export type VideoEditedV1 = Payload<typeof VideoEditedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.video.edited.v1': typeof VideoEditedV1;
  }
}
