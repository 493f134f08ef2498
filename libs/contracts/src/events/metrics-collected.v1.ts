import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const MetricsCollectedV1 = defineContract(
  Events.MetricsCollectedV1,
  z.object({
    publicationId: z.number().int().positive(),
    views: z.number().int().nonnegative(),
    likes: z.number().int().nonnegative(),
    comments: z.number().int().nonnegative(),
    capturedAt: z.iso.datetime({ offset: true }),
    platform: z.string().max(32).optional(),
    externalId: z.string().max(256).optional(),
    slotAt: z.iso.datetime({ offset: true }).optional(),
    source: z.string().max(32).optional(),
    snapshotId: z.number().int().positive().optional(),
  }),
);
export type MetricsCollectedV1 = Payload<typeof MetricsCollectedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.metrics.collected.v1': typeof MetricsCollectedV1;
  }
}
