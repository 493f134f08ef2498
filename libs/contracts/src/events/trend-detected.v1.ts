import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const TrendDetectedV1 = defineContract(
  Events.TrendDetectedV1,
  z.object({
    /** The trend row (catalog `trend`); one per cluster, so it never changes across transitions. */
    trendId: z.number().int().positive(),
    text: z.string().max(1000),
    category: z.string().max(64).nullable(),
    windowStart: z.iso.datetime({ offset: true }),
    windowEnd: z.iso.datetime({ offset: true }),
    articleIds: z.array(z.number().int().positive()).max(1000),
    score: z.number(),
    detector: z.string().max(128),
    // Added with the trend stage (optional within v1):
    /** The catalog cluster behind the trend (`trend_cluster`); never renumbered. */
    clusterId: z.number().int().positive().optional(),
    /** The lifecycle step this event announces. */
    stage: z.enum(['emerging', 'peaking', 'fading']).optional(),
    /** Articles in the burst's latest bin over the cluster's baseline rate per bin. */
    growth: z.number().optional(),
    /** The member nearest the centroid, preferring one with images or video. */
    representativeArticleId: z.number().int().positive().nullable().optional(),
    /** The label terms the text was built from, best first. */
    labelTerms: z.array(z.string().max(64)).max(16).optional(),
    /** `template`: built from terms and titles; `model`: phrased by a chat model (its id is the detector). */
    textSource: z.enum(['template', 'model']).optional(),
    lang: z.string().max(16).nullable().optional(),
  }),
);
export type TrendDetectedV1 = Payload<typeof TrendDetectedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.trend.detected.v1': typeof TrendDetectedV1;
  }
}
