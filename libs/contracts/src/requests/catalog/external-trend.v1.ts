import { z } from 'zod';
import { defineRequest } from '../../define.js';
import { Requests } from '../../subjects.js';

const isoTime = z.iso.datetime({ offset: true });

export const ExternalTrendItemV1 = z.object({
  position: z.number().int().nonnegative(),
  term: z.string().min(1).max(255),
  /** Google's bucket as sent ("200+", "2K+"); null for Naver. */
  traffic: z.string().max(32).nullable(),
  /** The bucket's lower bound as a number (200, 2000). */
  trafficMin: z.number().int().nonnegative().nullable(),
  /** Naver DataLab: the latest period's ratio against the request's fixed anchor group (0..100 scale). */
  ratio: z.number().finite().nullable(),
  startedAt: isoTime.nullable(),
  /** Google: up to 3 news items; Naver: the period series. Small JSON. */
  detail: z.unknown().nullable(),
});
export type ExternalTrendItemV1 = z.infer<typeof ExternalTrendItemV1>;

/**
 * Records one fetch of an external trend source, failed fetches too (`status: failed`, `error`).
 * Idempotent on (source, region, fetchedAt).
 */
export const CatalogExternalTrendRecordV1 = defineRequest(
  Requests.CatalogExternalTrendRecordV1,
  z.object({
    source: z.string().min(1).max(64),
    region: z.string().min(1).max(16),
    fetchedAt: isoTime,
    status: z.enum(['ok', 'failed']),
    error: z.string().max(1000).nullable().default(null),
    /** true when the snapshot came from the bundled fake server, not the real service. */
    standIn: z.boolean(),
    items: z.array(ExternalTrendItemV1).max(500).default([]),
  }),
  z.object({ snapshotId: z.number().int().positive(), created: z.boolean() }),
);

/** Snapshots fetched in a window (the lineage report: what the outside world searched for that day). */
export const CatalogExternalTrendListV1 = defineRequest(
  Requests.CatalogExternalTrendListV1,
  z.object({ since: isoTime, until: isoTime, source: z.string().max(64).optional(), limit: z.number().int().min(1).max(200).default(50) }),
  z.object({
    snapshots: z.array(
      z.object({
        snapshotId: z.number().int().positive(),
        source: z.string(),
        region: z.string(),
        fetchedAt: isoTime,
        status: z.enum(['ok', 'failed']),
        error: z.string().nullable(),
        standIn: z.boolean(),
        items: z.array(ExternalTrendItemV1),
      }),
    ),
  }),
);
