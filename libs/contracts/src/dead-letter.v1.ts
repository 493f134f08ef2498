import { z } from 'zod';

/** What the delivery layer publishes to `dlq.<subject>` when it gives up on a message. */
export const DeadLetterV1 = z.object({
  originalSubject: z.string(),
  streamSequence: z.number().int().nonnegative(),
  eventId: z.string().nullable(),
  correlationId: z.string().nullable(),
  consumer: z.string(),
  handler: z.string(),
  reason: z.enum(['invalid-envelope', 'invalid-payload', 'poison', 'max-deliveries', 'no-handler']),
  error: z.string(),
  attempts: z.number().int().positive(),
  failedAt: z.iso.datetime({ offset: true }),
  /** The raw message as received, cut to a size a log row can hold. */
  raw: z.string(),
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;
