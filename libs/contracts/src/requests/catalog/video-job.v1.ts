import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * A job on an AV model server (OpenAI Videos-shaped API), recorded before the stage waits for it:
 * a restarted or redelivered stage finds the job and polls it again instead of paying for a
 * second one. One row per attempt of one part (0 = the whole story, n = scene n); an expired,
 * lost or failed job is followed by the next attempt, the earlier rows stay with their reason.
 */
export const VideoJobStatus = z.enum(['submitted', 'completed', 'failed', 'expired', 'lost', 'cancelled']);
export type VideoJobStatus = z.infer<typeof VideoJobStatus>;

const jobKey = {
  storyId: z.number().int().positive(),
  model: z.string().min(1).max(128),
  variant: z.number().int().nonnegative().max(1000).default(0),
  /** 0 = one job for the whole story; n = scene n (1-based). */
  part: z.number().int().nonnegative().max(1000),
};

export const VideoJobV1 = z.object({
  jobRowId: z.number().int().positive(),
  storyId: z.number().int().positive(),
  model: z.string(),
  variant: z.number().int().nonnegative(),
  part: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  /** The model server's job id. */
  jobId: z.string(),
  status: VideoJobStatus,
  error: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type VideoJobV1 = z.infer<typeof VideoJobV1>;

/** The latest attempt of one part, or null when none was submitted yet. */
export const CatalogVideoJobLatestV1 = defineRequest(
  Requests.CatalogVideoJobLatestV1,
  z.object(jobKey),
  z.object({ job: VideoJobV1.nullable() }),
);
export type CatalogVideoJobLatestRequestV1 = RequestOf<typeof CatalogVideoJobLatestV1>;
export type CatalogVideoJobLatestResponseV1 = ResponseOf<typeof CatalogVideoJobLatestV1>;

/**
 * Records a submitted job or its new status. Idempotent on (story, model, variant, part, attempt):
 * the first job id recorded for an attempt wins; a caller that gets another job id back
 * (`created: false`, a racing replica submitted first) cancels its own and follows the winner's.
 * A status is only changed for the same job id.
 */
export const CatalogVideoJobRecordV1 = defineRequest(
  Requests.CatalogVideoJobRecordV1,
  z.object({
    ...jobKey,
    attempt: z.number().int().positive().max(1000),
    jobId: z.string().min(1).max(128),
    status: VideoJobStatus,
    error: z.string().max(1000).nullable().optional(),
  }),
  z.object({ job: VideoJobV1, created: z.boolean() }),
);
export type CatalogVideoJobRecordRequestV1 = RequestOf<typeof CatalogVideoJobRecordV1>;
export type CatalogVideoJobRecordResponseV1 = ResponseOf<typeof CatalogVideoJobRecordV1>;
