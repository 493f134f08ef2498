import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/** Records an edited cut of a video. Idempotent on (video, editor, platform profile). */
export const CatalogEditCreateV1 = defineRequest(
  Requests.CatalogEditCreateV1,
  z.object({
    videoId: z.number().int().positive(),
    editor: z.string().min(1).max(128),
    standIn: z.boolean(),
    /** youtube-shorts, youtube, ... */
    platformProfile: z.string().min(1).max(64),
    fileKey: z.string().min(1).max(512),
    durationS: z.number().nonnegative().max(1_000_000),
    editedAt: z.iso.datetime({ offset: true }),
  }),
  z.object({ editId: z.number().int().positive(), created: z.boolean(), fileKey: z.string() }),
);
export type CatalogEditCreateRequestV1 = RequestOf<typeof CatalogEditCreateV1>;
export type CatalogEditCreateResponseV1 = ResponseOf<typeof CatalogEditCreateV1>;
