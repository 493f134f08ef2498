import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const VideoGeneratedV1 = defineContract(
  Events.VideoGeneratedV1,
  z.object({
    videoId: z.number().int().positive(),
    storyId: z.number().int().positive(),
    model: z.string().max(128),
    standIn: z.boolean(),
    fileKey: z.string().max(512),
    durationS: z.number().nonnegative(),
    hasAudio: z.boolean(),
    /**
     * The story script (StoryScriptV1 JSON, the story's text key) the video was rendered from; the
     * editor times subtitle cues by it and sends it with keyframes to a reviewing model.
     */
    scriptKey: z.string().max(512).optional(),
    /** Where the sound came from: `model`, `speech:<model>` or `espeak-ng:<voice>`. */
    narrationSource: z.string().max(64).nullable().optional(),
  }),
);
export type VideoGeneratedV1 = Payload<typeof VideoGeneratedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.video.generated.v1': typeof VideoGeneratedV1;
  }
}
