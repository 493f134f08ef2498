import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/** Creates a source or updates its descriptive fields; the key never changes. */
export const CatalogSourceUpsertV1 = defineRequest(
  Requests.CatalogSourceUpsertV1,
  z.object({
    /** The scraper's stable source id (`config/sources.yaml`). */
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'lowercase letters, digits, . _ - (max 128)'),
    name: z.string().min(1).max(256),
    /** news, blog, feed, community, external-trend, ... */
    kind: z.string().min(1).max(32),
    baseUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    lang: z.string().min(2).max(16).nullable().optional(),
    /** A category slug; unknown slugs are stored as `other`. */
    defaultCategory: z.string().min(1).max(64).nullable().optional(),
  }),
  z.object({ sourceId: z.number().int().positive(), created: z.boolean() }),
);
export type CatalogSourceUpsertRequestV1 = RequestOf<typeof CatalogSourceUpsertV1>;
export type CatalogSourceUpsertResponseV1 = ResponseOf<typeof CatalogSourceUpsertV1>;
