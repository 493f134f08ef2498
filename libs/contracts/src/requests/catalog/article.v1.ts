import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

// Limits match the catalog's column sizes, so a valid request always fits its row on MySQL and SQLite.
const id = z.number().int().positive();
const fileKey = z.string().min(1).max(512);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256');
const isoTime = z.iso.datetime({ offset: true });
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048);

export const MediaKind = z.enum(['image', 'video', 'embed']);
export type MediaKind = z.infer<typeof MediaKind>;

/**
 * What became of a media item's download; null while it is pending. `failed` rows carry the reason
 * in `error`; `skipped` ones have nothing to download (an embedded player, kept by URL).
 */
export const MediaStatus = z.enum(['stored', 'failed', 'skipped']);
export type MediaStatus = z.infer<typeof MediaStatus>;

/** One media item as the scraper found it; file fields stay null until the bytes are stored. */
export const MediaInputV1 = z.object({
  kind: MediaKind,
  /** Order in the article, from 0; (article, position) is the media's idempotency key. */
  position: z.number().int().nonnegative().max(10_000),
  sourceUrl: httpUrl,
  caption: z.string().max(1000).nullable().optional(),
  fileKey: fileKey.nullable().optional(),
  width: z.number().int().positive().max(100_000).nullable().optional(),
  height: z.number().int().positive().max(100_000).nullable().optional(),
  durationS: z.number().nonnegative().max(1_000_000).nullable().optional(),
  bytes: z.number().int().nonnegative().nullable().optional(),
  sha256: sha256.nullable().optional(),
  contentType: z.string().max(128).nullable().optional(),
});
export type MediaInputV1 = z.infer<typeof MediaInputV1>;

export const MediaV1 = z.object({
  mediaId: id,
  articleId: id,
  kind: MediaKind,
  position: z.number().int().nonnegative(),
  sourceUrl: z.string(),
  caption: z.string().nullable(),
  fileKey: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationS: z.number().nullable(),
  bytes: z.number().int().nullable(),
  sha256: z.string().nullable(),
  contentType: z.string().nullable(),
  // Added later: a reply from a catalog without these columns still parses, as pending.
  status: MediaStatus.nullable().default(null),
  error: z.string().nullable().default(null),
});
export type MediaV1 = z.infer<typeof MediaV1>;

export const ArticleV1 = z.object({
  articleId: id,
  /** The canonical URL the article is stored under. */
  url: z.string(),
  sourceKey: z.string().nullable(),
  category: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  keyFacts: z.array(z.string()),
  lang: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  scrapedAt: isoTime,
  textKey: z.string().nullable(),
  textBytes: z.number().int().nullable(),
  textSha256: z.string().nullable(),
  contentHash: z.string(),
  createdAt: isoTime,
  /** When its pipeline.article.stored.v1 was in the stream; null: not announced yet. */
  announcedAt: isoTime.nullable().optional(),
});
export type ArticleV1 = z.infer<typeof ArticleV1>;

export const MediaResultV1 = z.object({ mediaId: id, position: z.number().int().nonnegative(), created: z.boolean() });

/**
 * Stores an article and its media once. The canonical URL and the content hash are both unique:
 * a repeat (any replica, any retry) returns the existing row with `created: false`; the same
 * content under another URL returns the existing article as `duplicateOf` and remembers the URL as
 * an alias. Media of a URL match are completed (missing positions added), never replaced.
 */
export const CatalogArticleUpsertV1 = defineRequest(
  Requests.CatalogArticleUpsertV1,
  z.object({
    url: httpUrl,
    /** A source registered with `catalog.source.upsert.v1`, or null. */
    sourceKey: z.string().min(1).max(128).nullable().optional(),
    /** A category slug (`catalog.category.list.v1`); an unknown slug is stored as `other`. */
    category: z.string().min(1).max(64),
    title: z.string().min(1).max(1000),
    /** A caption or short summary; the full text is a file (`textKey`). */
    summary: z.string().max(2000).nullable().optional(),
    keyFacts: z.array(z.string().min(1).max(500)).max(20).default([]),
    lang: z.string().min(2).max(16).nullable().optional(),
    publishedAt: isoTime.nullable().optional(),
    scrapedAt: isoTime,
    textKey: fileKey.nullable().optional(),
    textBytes: z.number().int().nonnegative().nullable().optional(),
    textSha256: sha256.nullable().optional(),
    /** A hash of the normalised article text, computed by the scraper. */
    contentHash: z.string().min(16).max(128),
    media: z.array(MediaInputV1).max(500).default([]),
  }),
  z.object({
    articleId: id,
    created: z.boolean(),
    matchedBy: z.enum(['none', 'url', 'content-hash']),
    /** Set when the content was already stored under another URL: the existing article's id. */
    duplicateOf: id.nullable(),
    category: z.string(),
    media: z.array(MediaResultV1),
  }),
);
export type CatalogArticleUpsertRequestV1 = RequestOf<typeof CatalogArticleUpsertV1>;
export type CatalogArticleUpsertResponseV1 = ResponseOf<typeof CatalogArticleUpsertV1>;

/** One article with its media in article order; `not-found` when the id is unknown. */
export const CatalogArticleGetV1 = defineRequest(
  Requests.CatalogArticleGetV1,
  z.object({ articleId: id }),
  z.object({ article: ArticleV1, media: z.array(MediaV1) }),
);
export type CatalogArticleGetResponseV1 = ResponseOf<typeof CatalogArticleGetV1>;

/** Looks an article up by URL (canonicalised the same way as on upsert; aliases count). */
export const CatalogArticleGetByUrlV1 = defineRequest(
  Requests.CatalogArticleGetByUrlV1,
  z.object({ url: httpUrl, withMedia: z.boolean().default(false) }),
  z.object({ article: ArticleV1.nullable(), media: z.array(MediaV1) }),
);
export type CatalogArticleGetByUrlResponseV1 = ResponseOf<typeof CatalogArticleGetByUrlV1>;

/**
 * Articles of a category (or all) in a time window, newest first, paged by an opaque cursor:
 * pass `nextCursor` back to get the next page; null means the window is exhausted.
 */
export const CatalogArticleListV1 = defineRequest(
  Requests.CatalogArticleListV1,
  z.object({
    category: z.string().min(1).max(64).nullable().optional(),
    /** Which time the window applies to; articles without a published time are not in a `published` window. */
    by: z.enum(['scraped', 'published']).default('scraped'),
    from: isoTime,
    to: isoTime,
    pageSize: z.number().int().positive().max(200).default(50),
    cursor: z.string().max(200).nullable().optional(),
  }),
  z.object({ articles: z.array(ArticleV1), nextCursor: z.string().nullable() }),
);
export type CatalogArticleListRequestV1 = RequestOf<typeof CatalogArticleListV1>;
export type CatalogArticleListResponseV1 = ResponseOf<typeof CatalogArticleListV1>;
