import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const StoryWrittenV1 = defineContract(
  Events.StoryWrittenV1,
  z.object({
    storyId: z.number().int().positive(),
    trendId: z.number().int().positive(),
    articleId: z.number().int().positive(),
    model: z.string().max(128),
    standIn: z.boolean(),
    textKey: z.string().max(512),
  }),
);
export type StoryWrittenV1 = Payload<typeof StoryWrittenV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.story.written.v1': typeof StoryWrittenV1;
  }
}
