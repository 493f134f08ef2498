import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const TrendDetectedV1 = defineContract(
  Events.TrendDetectedV1,
  z.object({
    trendId: z.number().int().positive(),
    text: z.string().max(1000),
    category: z.string().max(64).nullable(),
    windowStart: z.iso.datetime({ offset: true }),
    windowEnd: z.iso.datetime({ offset: true }),
    articleIds: z.array(z.number().int().positive()).max(1000),
    score: z.number(),
    detector: z.string().max(128),
  }),
);
export type TrendDetectedV1 = Payload<typeof TrendDetectedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.trend.detected.v1': typeof TrendDetectedV1;
  }
}
