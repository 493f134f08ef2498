export type MediaKind = 'image' | 'video' | 'embed';

export interface ExtractedMedia {
  kind: MediaKind;
  /** Absolute http(s) URL. */
  src: string;
  /** figcaption, else alt, else title; null when there is none. */
  caption: string | null;
  /**
   * Index of the paragraph of `text` (split on blank lines) that this item follows; -1 when it
   * comes before the first paragraph (a lead image, or the page's og:image used as a fallback).
   */
  position: number;
}

export interface ExtractedArticle {
  /** Canonical URL (rel=canonical / og:url, else the page URL), tracking parameters and fragment removed. */
  url: string | null;
  title: string | null;
  byline: string | null;
  /** ISO 8601 timestamp, or null when the page states none. */
  publishedAt: string | null;
  /** Primary language subtag ('ko', 'en', ...), declared or detected; null when unknown. */
  lang: string | null;
  /** Main text in reading order; paragraphs separated by blank lines. Empty when no article was found. */
  text: string;
  media: ExtractedMedia[];
}

export interface ExtractOptions {
  /** The URL the page was fetched from: the base for relative links and the canonical fallback. */
  url?: string;
  /** The HTTP Content-Type header, whose charset wins over what the page says. */
  contentType?: string;
}
