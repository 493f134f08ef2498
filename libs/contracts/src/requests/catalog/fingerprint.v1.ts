import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/** A 64-bit SimHash as 16 lowercase hex digits (the scraper's `simhashHex`). */
export const SimhashHexV1 = z.string().regex(/^[0-9a-f]{16}$/, 'a 64-bit SimHash as 16 lowercase hex digits');

/**
 * Records an article's text fingerprint, so a near-duplicate first seen in a later run can be
 * linked to it. Idempotent: the same SimHash again answers `created: false`; a different SimHash
 * for the same article is `conflict` (the first one stays). `not-found` when the article is unknown.
 */
export const CatalogArticleFingerprintV1 = defineRequest(
  Requests.CatalogArticleFingerprintV1,
  z.object({
    articleId: z.number().int().positive(),
    simhash: SimhashHexV1,
  }),
  z.object({
    articleId: z.number().int().positive(),
    simhash: SimhashHexV1,
    created: z.boolean(),
  }),
);
export type CatalogArticleFingerprintRequestV1 = RequestOf<typeof CatalogArticleFingerprintV1>;
export type CatalogArticleFingerprintResponseV1 = ResponseOf<typeof CatalogArticleFingerprintV1>;

/**
 * The stored article whose SimHash is closest to this one, within `maxDistance` bits (Hamming);
 * ties go to the oldest article. At most 3 bits: the catalog finds candidates by four exact 16-bit
 * bands, which is complete only up to 3 differing bits. `match: null` when none is that close.
 */
export const CatalogArticleNearDuplicateV1 = defineRequest(
  Requests.CatalogArticleNearDuplicateV1,
  z.object({
    simhash: SimhashHexV1,
    maxDistance: z.number().int().min(0).max(3),
  }),
  z.object({
    match: z
      .object({
        articleId: z.number().int().positive(),
        distance: z.number().int().min(0).max(3),
      })
      .nullable(),
  }),
);
export type CatalogArticleNearDuplicateRequestV1 = RequestOf<typeof CatalogArticleNearDuplicateV1>;
export type CatalogArticleNearDuplicateResponseV1 = ResponseOf<typeof CatalogArticleNearDuplicateV1>;
