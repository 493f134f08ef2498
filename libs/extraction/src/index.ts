// Article extraction: bytes or HTML in, the main text with its media and metadata out.
import { load } from 'cheerio/slim';
import { isBoilerplateText, isDateLine, selectContent, type ContentSelection, type Flags } from './content.js';
import { decodeHtml } from './decode.js';
import type { AnyNode, Element, ParentNode } from './dom.js';
import { detectLanguage } from './lang.js';
import { extractMetadata } from './metadata.js';
import { findBody, prepare } from './prepare.js';
import { SENTENCE_END, weightedLength } from './script.js';
import { render, type Rendered } from './serialize.js';
import type { ExtractedArticle, ExtractedMedia, ExtractOptions } from './types.js';
import { SITE_WORDS, visibleByline, visibleCjkByline, visibleDate } from './visible.js';

export type { ExtractedArticle, ExtractedMedia, ExtractOptions, MediaKind } from './types.js';
export { decodeHtml, detectCharset } from './decode.js';
export { detectLanguage } from './lang.js';
export { cleanUrl } from './url.js';
export { bootstrapSpread, scoreCharacters, scoreCorpus, scorePage, shingles, tokenize, type CorpusScore, type PageScore } from './metric.js';

// Lengths are weighted characters (script.ts): a Han character counts 3, Hangul and kana 2.

/** Below this many characters a result is retried with fewer filters (as Readability does). */
const CHAR_THRESHOLD = 500;
/** Less text than this is not an article... */
const MIN_ARTICLE_CHARS = 140;
/** ...nor is text without one real paragraph (menus, error pages, link lists). */
const MIN_PARAGRAPH_CHARS = 80;

const ATTEMPTS: Flags[] = [
  { stripUnlikely: true, weightClasses: true, cleanConditionally: true },
  { stripUnlikely: false, weightClasses: true, cleanConditionally: true },
  { stripUnlikely: false, weightClasses: false, cleanConditionally: true },
  { stripUnlikely: false, weightClasses: false, cleanConditionally: false },
];

function textLength(rendered: Rendered): number {
  let total = 0;
  for (const paragraph of rendered.paragraphs) total += weightedLength(paragraph);
  return total;
}

function articleBodyParagraphs(body: string | null): string[] {
  if (!body) return [];
  const plain = body.includes('<') ? textOfHtml(body) : body;
  const paragraphs = plain
    .split(/\n\s*\n|\r\n\s*\r\n/)
    .map((p) => p.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter(Boolean);
  return looksLikeArticle({ paragraphs, media: [] }) ? paragraphs : [];
}

function textOfHtml(html: string): string {
  const $ = load(`<body>${html}</body>`);
  const body = findBody($.root()[0] as unknown as ParentNode);
  return body ? render([body], new Set(), null).paragraphs.join('\n\n') : '';
}

function looksLikeArticle(rendered: Rendered): boolean {
  return textLength(rendered) >= MIN_ARTICLE_CHARS && rendered.paragraphs.some((p) => weightedLength(p) >= MIN_PARAGRAPH_CHARS);
}

/**
 * True when a retry's text comes mostly from containers the strict pass had ruled out (comments,
 * related links): a short article is better than a long comment thread.
 */
function mostlyBoilerplate(selection: ContentSelection, strictRemoved: ReadonlySet<AnyNode>, length: number, base: string | null): boolean {
  const dropped = new Set<AnyNode>(selection.dropped);
  for (const node of strictRemoved) dropped.add(node);
  const nodes = selection.nodes.filter((node) => !insideAny(node, strictRemoved));
  const kept = textLength(render(nodes, dropped, base, selection.mediaOnly));
  return kept < length * 0.5;
}

/**
 * True when `wider` holds every node of `narrower` inside one of its own: the same selection read
 * with fewer filters, or a wrapper around it.
 */
function widens(wider: readonly Element[], narrower: readonly Element[]): boolean {
  if (narrower.length === 0) return false;
  const set = new Set<AnyNode>(wider);
  return narrower.every((node) => insideAny(node, set));
}

/** True when most of what `wider` adds to `narrower` are paragraphs of sentences. */
function addsProse(narrower: Rendered, wider: Rendered): boolean {
  const known = new Set(narrower.paragraphs);
  let added = 0;
  let prose = 0;
  for (const paragraph of wider.paragraphs) {
    if (known.has(paragraph)) continue;
    const length = weightedLength(paragraph);
    added += length;
    if (length >= MIN_PARAGRAPH_CHARS && SENTENCE_END.test(paragraph)) prose += length;
  }
  return prose > 0 && prose >= added * 0.5;
}

function insideAny(node: AnyNode, set: ReadonlySet<AnyNode>): boolean {
  for (let up: AnyNode | null = node; up; up = up.parent) if (set.has(up)) return true;
  return false;
}

/** A "byline" that is the site's or a desk's name rather than a person's. */
function namesSite(byline: string, siteName: string | null): boolean {
  if (siteName && byline.trim().toLowerCase() === siteName.trim().toLowerCase()) return true;
  return SITE_WORDS.test(byline);
}

/**
 * The metadata's date, else the one shown on the page; a day-only metadata date ("publishdate"
 * 2026-11-29) gives way to a time shown on the page for that same day.
 */
function publicationDate(fromMeta: string | null, dayOnly: boolean, body: Element | null, lang: string | null): string | null {
  if (!body) return fromMeta;
  if (fromMeta && !dayOnly) return fromMeta;
  const shown = visibleDate(body, lang);
  if (!fromMeta) return shown;
  const offset = shown ? Date.parse(shown) - Date.parse(fromMeta) : -1;
  return offset >= 0 && offset < 86_400_000 ? shown : fromMeta;
}

export function extractArticle(input: Buffer | Uint8Array | string, opts: ExtractOptions = {}): ExtractedArticle {
  const html = decodeHtml(input, opts.contentType);
  const $ = load(html);
  const root = $.root()[0] as unknown as ParentNode;
  const meta = extractMetadata(root, opts.url);
  prepare(root);
  const body = findBody(root);

  let best: Rendered = { paragraphs: [], media: [] };
  if (body) {
    let firstRemoved: ReadonlySet<AnyNode> | null = null;
    let bestNodes: Element[] = [];
    const keep = new Set<AnyNode>();
    for (const flags of ATTEMPTS) {
      const selection = selectContent(body, flags, meta.title, keep);
      if (firstRemoved === null) {
        // The wrappers of the strict pass's choice stay in the retries, whatever their names say.
        for (const node of selection.nodes) for (let up: AnyNode | null = node; up && up !== body; up = up.parent) keep.add(up);
      }
      const rendered = render(selection.nodes, selection.dropped, meta.base, selection.mediaOnly);
      const length = textLength(rendered);
      // The strict pass's exclusions still count against a retry, unless it found nothing at all.
      if (firstRemoved === null) firstRemoved = selection.nodes[0] === body ? new Set() : selection.removed;
      else if (textLength(best) >= MIN_ARTICLE_CHARS && mostlyBoilerplate(selection, firstRemoved, length, meta.base)) continue;
      // A short article already found is not traded for a wrapper around it, nor for itself read with
      // fewer filters, unless what that adds is prose: otherwise it is what the stricter pass chose
      // to leave out (the page's lists of headlines, its header, its footer).
      else if (looksLikeArticle(best) && widens(selection.nodes, bestNodes) && !addsProse(best, rendered)) continue;
      if (length > textLength(best)) {
        best = rendered;
        bestNodes = selection.nodes;
      }
      if (textLength(best) >= CHAR_THRESHOLD) break;
    }
  }

  // Runs of text between <br>s are no elements of their own, so their trailers (a reporter's
  // address, a copyright line, a timestamp) are only seen here.
  let paragraphs = best.paragraphs.filter((p) => p.length >= 300 || !(isBoilerplateText(p) || isDateLine(p)));
  let media: ExtractedMedia[] = best.media;
  if (!looksLikeArticle({ paragraphs, media: best.media })) {
    // Nothing in the markup reads as an article: JSON-LD articleBody is the last word, if any.
    paragraphs = articleBodyParagraphs(meta.articleBody);
    media = [];
  }
  if (meta.image && !media.some((item) => item.src === meta.image) && paragraphs.length > 0 && !media.some((m) => m.kind === 'image')) {
    media = [{ kind: 'image', src: meta.image, caption: null, position: -1 }, ...media];
  }
  const text = paragraphs.join('\n\n');
  const lang = meta.lang ?? detectLanguage(text || meta.title || '');
  let byline = meta.byline;
  if (body && (lang === 'ko' || (!lang && /[가-힣]/.test(text))) && (!byline || namesSite(byline, meta.siteName))) {
    byline = visibleByline(body) ?? byline;
  } else if (body && (lang === 'zh' || lang === 'ja' || (!lang && /[\u3040-\u30ff\u4e00-\u9fff]/.test(text))) && (!byline || namesSite(byline, meta.siteName))) {
    // A site's name in the author metadata ("新浪网", "自由時報") is no byline.
    byline = visibleCjkByline(body);
  }
  return {
    url: meta.url,
    title: meta.title,
    byline,
    publishedAt: publicationDate(meta.publishedAt, meta.publishedDayOnly, body, lang),
    lang,
    text,
    media,
  };
}
