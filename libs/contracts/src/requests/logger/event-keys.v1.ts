import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const isoTime = z.iso.datetime({ offset: true });

/**
 * Which entity ids the log DB's events of one subject name, for the lineage report's cross-check
 * (e.g. `pipeline.video.published.v1` by `publicationId`): the distinct integer values of one
 * top-level payload field among the events that occurred in [from, to), as sorted inclusive ranges
 * (catalog ids are mostly consecutive, so 100,000 ids are a few ranges).
 */
export const LoggerEventKeysV1 = defineRequest(
  Requests.LoggerEventKeysV1,
  z.object({
    subject: z.string().regex(/^pipeline(\.[a-zA-Z0-9]+)+$/, 'one event subject such as pipeline.video.published.v1'),
    /** A top-level integer field of the payload (`publicationId`, `videoId`, `storyId`, `trendId`). */
    key: z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, 'a payload field name such as publicationId'),
    from: isoTime,
    to: isoTime,
    /** A reply stays under NATS's 1 MB: past this many ranges the answer is cut and says so. */
    maxRanges: z.number().int().min(1).max(50_000).default(20_000),
  }),
  z.object({
    /** Events of the subject in the window (with or without the field). */
    events: z.number().int().nonnegative(),
    /** Distinct values of the field among them. */
    distinct: z.number().int().nonnegative(),
    /** The values as [first, last] ranges, ascending. */
    ranges: z.array(z.tuple([z.number().int(), z.number().int()])),
    truncated: z.boolean(),
  }),
);
export type LoggerEventKeysRequestV1 = RequestOf<typeof LoggerEventKeysV1>;
export type LoggerEventKeysResponseV1 = ResponseOf<typeof LoggerEventKeysV1>;
