import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

/**
 * A metrics collection slot, published by every metrics replica's scheduler with the key of the
 * slot: JetStream keeps one, so one replica collects each slot.
 */
export const MetricsRequestedV1 = defineContract(
  Events.MetricsRequestedV1,
  z.object({
    /** The start of the hour this collection is for. */
    slotAt: z.iso.datetime({ offset: true }),
    requestedBy: z.enum(['schedule', 'manual']),
  }),
);
export type MetricsRequestedV1 = Payload<typeof MetricsRequestedV1>;
