import { z } from 'zod';

/** Every pipeline event travels in this envelope; `payload` is checked against its subject's schema. */
export const EnvelopeSchema = z.object({
  id: z.string().min(1).max(128),
  subject: z.string().min(1).max(256),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128).nullable(),
  producer: z.string().min(1).max(64),
  payload: z.unknown(),
});

export interface Envelope<P = unknown> {
  id: string;
  subject: string;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  payload: P;
}
