import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

/**
 * A dead letter was re-driven (`npm run dlq -- replay`, or the console): its original event went
 * back to its subject under a new id. The logger keeps it in the log DB like every pipeline event.
 */
export const DeadLetterReplayedV1 = defineContract(
  Events.DeadLetterReplayedV1,
  z.object({
    /** The dead letter's envelope id and its sequence in the DLQ stream. */
    deadLetterId: z.string(),
    deadLetterSeq: z.number().int().nonnegative(),
    originalSubject: z.string(),
    originalEventId: z.string().nullable(),
    /** The id of the event published again. */
    replayEventId: z.string(),
    reason: z.string(),
    replayedBy: z.string().max(200),
    replayedAt: z.iso.datetime({ offset: true }),
  }),
);
export type DeadLetterReplayedV1 = Payload<typeof DeadLetterReplayedV1>;
