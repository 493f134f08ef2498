import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const VideoPublishedV1 = defineContract(
  Events.VideoPublishedV1,
  z.object({
    publicationId: z.number().int().positive(),
    editId: z.number().int().positive(),
    platform: z.string().max(32),
    account: z.string().max(128),
    externalId: z.string().max(256),
    url: z.string().max(2048).nullable(),
    publishedAt: z.iso.datetime({ offset: true }),
    title: z.string().max(200).optional(),
    privacyStatus: z.string().max(16).optional(),
    uploadStatus: z.string().max(16).optional(),
    rejectionReason: z.string().max(64).nullable().optional(),
    /** True when no platform was involved (the local outbox). */
    standIn: z.boolean().optional(),
  }),
);
export type VideoPublishedV1 = Payload<typeof VideoPublishedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.video.published.v1': typeof VideoPublishedV1;
  }
}
