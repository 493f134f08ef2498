import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/** What the console reads from the log DB (the logger owns it): counts per day and recent events. */
const subject = z.string().min(1).max(255);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const LoggerFunnelV1 = defineRequest(
  Requests.LoggerFunnelV1,
  z.object({
    /** The funnel's stages, as the events that mark them (`pipeline.article.stored.v1`, ...). */
    subjects: z.array(subject).min(1).max(20),
    /** Whole UTC days up to and including today. */
    days: z.number().int().min(1).max(90).default(14),
  }),
  z.object({
    days: z.array(
      z.object({
        day,
        /** Events per subject that occurred on that day (UTC). */
        counts: z.record(z.string(), z.number().int().nonnegative()),
        deadLetters: z.number().int().nonnegative(),
      }),
    ),
    /** Dead letters stored in the log DB, all time. */
    deadLettersTotal: z.number().int().nonnegative(),
  }),
);
export type LoggerFunnelResponseV1 = ResponseOf<typeof LoggerFunnelV1>;
export type LoggerFunnelRequestV1 = RequestOf<typeof LoggerFunnelV1>;

export const LoggedEventV1 = z.object({
  id: z.string(),
  subject,
  producer: z.string(),
  correlationId: z.string(),
  occurredAt: z.string(),
  payload: z.unknown(),
});
export type LoggedEventV1 = z.infer<typeof LoggedEventV1>;

export const LoggerEventsRecentV1 = defineRequest(
  Requests.LoggerEventsRecentV1,
  z.object({ subject, limit: z.number().int().min(1).max(200).default(20) }),
  /** Newest first. */
  z.object({ events: z.array(LoggedEventV1) }),
);
export type LoggerEventsRecentResponseV1 = ResponseOf<typeof LoggerEventsRecentV1>;

export const LoggedDeadLetterV1 = z.object({
  /** The log DB's row id (what `logger.deadletter.get.v1` takes). */
  id: z.number().int().positive(),
  eventId: z.string(),
  originalSubject: subject,
  originalEventId: z.string().nullable(),
  correlationId: z.string().nullable(),
  consumer: z.string(),
  handler: z.string(),
  reason: z.string(),
  error: z.string(),
  attempts: z.number().int(),
  failedAt: z.string(),
  raw: z.string(),
});
export type LoggedDeadLetterV1 = z.infer<typeof LoggedDeadLetterV1>;

/** Dead letters stored in the log DB, newest first, by subject (`x.>` = prefix) and reason. */
export const LoggerDeadLetterListV1 = defineRequest(
  Requests.LoggerDeadLetterListV1,
  z.object({
    subject: subject.optional(),
    reason: z.string().max(32).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Keyset paging: only rows with a smaller id. */
    beforeId: z.number().int().positive().optional(),
  }),
  z.object({ deadLetters: z.array(LoggedDeadLetterV1) }),
);

export const LoggerDeadLetterGetV1 = defineRequest(
  Requests.LoggerDeadLetterGetV1,
  z.object({ id: z.number().int().positive() }),
  z.object({ deadLetter: LoggedDeadLetterV1.nullable() }),
);
