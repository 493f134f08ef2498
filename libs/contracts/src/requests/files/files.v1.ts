import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * The files service owns the layout of the file root: other services ask it for a key, then move
 * bytes through its HTTP API (found with FilesEndpointV1). Keys are relative, never paths.
 */
const key = z.string().min(1).max(512);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** What a file is to its owner; decides its name inside the owner's folder. */
export const FileRole = z.enum(['text', 'image', 'thumb', 'video', 'keyframe', 'story', 'generated', 'edited']);
export type FileRole = z.infer<typeof FileRole>;

export const FilesEndpointV1 = defineRequest(
  Requests.FilesEndpointV1,
  z.object({}),
  /** Base URL of the streaming HTTP API, e.g. `http://files.pipeline.svc:8090`; no trailing slash. */
  z.object({
    baseUrl: z.string().max(512),
    apiVersion: z.literal('v1'),
    /** Bearer token for every request to the bytes API, valid until `tokenExpiresAt`; ask again before. */
    token: z.string().max(512).optional(),
    tokenExpiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
);

export const FilesAllocateV1 = defineRequest(
  Requests.FilesAllocateV1,
  z
    .object({
      /** Exactly one owner: the article or story the file belongs to, or a named scope. */
      articleId: z.number().int().positive().optional(),
      storyId: z.number().int().positive().optional(),
      scope: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,31}$/)
        .optional(),
      /** Folder name inside a scope; a random one is made when absent. */
      scopeId: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
        .optional(),
      /**
       * The owner's creation time (the article's or story's `createdAt`). All parts of one owner land
       * in one folder only if every allocation passes the same date; defaults to now (UTC).
       */
      ownerCreatedAt: z.iso.datetime({ offset: true }).optional(),
      role: FileRole,
      /** File extension without the dot: `jpg`, `mp4`, `txt`. */
      ext: z.string().regex(/^[a-z0-9]{1,8}$/),
      /** Order of the part in its owner (image 1, 2, ...); for `thumb` and `keyframe`, the image's or video's. */
      index: z.number().int().min(0).max(999_999).optional(),
      /** For `keyframe`: the frame number inside the video. */
      frame: z.number().int().min(0).max(999_999).optional(),
      /**
       * The most bytes the upload will need, when the caller knows; capped by the role's ceiling
       * (FILES_MAX_TEXT_BYTES, FILES_MAX_IMAGE_BYTES, FILES_MAX_VIDEO_BYTES), which is the default.
       */
      maxBytes: z.number().int().positive().optional(),
    })
    .refine((r) => [r.articleId, r.storyId, r.scope].filter((v) => v !== undefined).length === 1, {
      message: 'give exactly one of articleId, storyId, scope',
    }),
  z.object({
    key,
    /**
     * Bearer token for the PUT of exactly this key (an upload grant): the bytes API refuses a
     * write into a key it did not allocate, and one larger than `maxBytes`. Ask again (the same
     * request gives the same key) for a fresh grant after `uploadExpiresAt`.
     */
    uploadToken: z.string().max(512).optional(),
    maxBytes: z.number().int().nonnegative().optional(),
    uploadExpiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
);
export type FilesAllocateRequestV1 = RequestOf<typeof FilesAllocateV1>;
export type FilesAllocateResponseV1 = ResponseOf<typeof FilesAllocateV1>;

export const FilesStatV1 = defineRequest(
  Requests.FilesStatV1,
  z.object({ key }),
  z.object({
    key,
    exists: z.boolean(),
    bytes: z.number().int().nonnegative().nullable(),
    sha256: sha256.nullable(),
    modifiedAt: z.iso.datetime({ offset: true }).nullable(),
  }),
);
export type FilesStatResponseV1 = ResponseOf<typeof FilesStatV1>;

export const FilesUsageV1 = defineRequest(
  Requests.FilesUsageV1,
  z.object({}),
  z.object({
    /** What the files may fill: min(FILES_CAPACITY_BYTES minus databaseBytes, size of the volume). */
    capacityBytes: z.number().nonnegative(),
    /** FILES_CAPACITY_BYTES: the cap for files and databases together. */
    budgetBytes: z.number().nonnegative().optional(),
    /** The databases' bytes subtracted from the budget (those not already on this volume). */
    databaseBytes: z.number().nonnegative().optional(),
    /** Each database as its owner reported it (`<owner>.storage.size.v1`), or its last known or unknown size. */
    databases: z
      .array(
        z.object({
          owner: z.string().max(32),
          bytes: z.number().nonnegative(),
          countedBytes: z.number().nonnegative(),
          source: z.enum(['reported', 'last-known', 'unknown']),
          exact: z.boolean(),
          measuredAt: z.iso.datetime({ offset: true }).nullable(),
          problem: z.string().max(1000).optional(),
        }),
      )
      .max(16)
      .optional(),
    /** Bytes in use on the volume that holds the file root (files, and databases sharing it). */
    usedBytes: z.number().nonnegative(),
    /** Bytes the volume can still give to a writer. */
    availableBytes: z.number().nonnegative(),
    highWatermark: z.number().min(0).max(1),
    lowWatermark: z.number().min(0).max(1),
    sweeping: z.boolean(),
    lastSweep: z
      .object({
        startedAt: z.iso.datetime({ offset: true }),
        finishedAt: z.iso.datetime({ offset: true }).nullable(),
        purgedFiles: z.number().int().nonnegative(),
        purgedBytes: z.number().nonnegative(),
        outcome: z.string().max(256),
      })
      .nullable(),
  }),
);
export type FilesUsageResponseV1 = ResponseOf<typeof FilesUsageV1>;
