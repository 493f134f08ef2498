// Page metadata: title, byline, publication date, language, canonical URL and JSON-LD hints,
// read from <head> meta tags, JSON-LD and a few microdata / markup conventions.
import { attr, collapseSpaces, forEachElement, textOf, type AnyNode, type Element } from './dom.js';
import { detectLanguage, normalizeLang } from './lang.js';
import { weightedLength } from './script.js';
import { absoluteUrl, cleanUrl } from './url.js';
import { cleanKoreanByline, offsetFor } from './visible.js';

export interface PageMetadata {
  url: string | null;
  /** Base for resolving relative links: <base href> against the page URL. */
  base: string | null;
  title: string | null;
  byline: string | null;
  publishedAt: string | null;
  /** True when the metadata gives the day only ("2026-11-29"): a time shown on the page refines it. */
  publishedDayOnly: boolean;
  lang: string | null;
  /** JSON-LD articleBody, when the page ships one. */
  articleBody: string | null;
  image: string | null;
  /** og:site_name / application-name: a byline equal to it names the site, not a person. */
  siteName: string | null;
}

interface Collected {
  htmlLang: string | null;
  baseHref: string | null;
  titleTag: string | null;
  meta: Map<string, string>;
  canonical: string | null;
  jsonLd: string[];
  times: { datetime: string; published: boolean }[];
  authorNodes: string[];
  h1: string[];
}

const ARTICLE_TYPES =
  /^(Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference|WebPage|Review|Recipe|HowTo|VideoObject)$/;

function collect(root: AnyNode): Collected {
  const out: Collected = {
    htmlLang: null,
    baseHref: null,
    titleTag: null,
    meta: new Map(),
    canonical: null,
    jsonLd: [],
    times: [],
    authorNodes: [],
    h1: [],
  };
  forEachElement(root, (el) => {
    switch (el.name) {
      case 'html':
        out.htmlLang ??= attr(el, 'lang') ?? attr(el, 'xml:lang') ?? null;
        return;
      case 'base':
        out.baseHref ??= attr(el, 'href') ?? null;
        return false;
      case 'title':
        if (out.titleTag === null && !closestSvg(el)) out.titleTag = textOf(el);
        return false;
      case 'meta': {
        const key = (attr(el, 'property') ?? attr(el, 'name') ?? attr(el, 'itemprop') ?? attr(el, 'http-equiv'))?.toLowerCase().trim();
        const content = attr(el, 'content');
        if (key && content && !out.meta.has(key)) out.meta.set(key, content.trim());
        return false;
      }
      case 'link':
        if (out.canonical === null && (attr(el, 'rel') ?? '').toLowerCase().split(/\s+/).includes('canonical')) {
          out.canonical = attr(el, 'href') ?? null;
        }
        return false;
      case 'script':
        if ((attr(el, 'type') ?? '').toLowerCase().includes('ld+json')) out.jsonLd.push(scriptText(el));
        return false;
      case 'style':
        return false;
      case 'time': {
        const datetime = attr(el, 'datetime');
        if (datetime) {
          const prop = (attr(el, 'itemprop') ?? '').toLowerCase();
          out.times.push({ datetime, published: prop.includes('datepublished') || attr(el, 'pubdate') !== undefined });
        }
        break;
      }
      case 'h1':
        if (out.h1.length < 5) out.h1.push(textOf(el));
        break;
    }
    const itemprop = (attr(el, 'itemprop') ?? '').toLowerCase();
    if (itemprop === 'datepublished') {
      const value = attr(el, 'content') ?? attr(el, 'datetime');
      if (value) out.times.push({ datetime: value, published: true });
    }
    const rel = (attr(el, 'rel') ?? '').toLowerCase();
    if ((rel === 'author' || itemprop === 'author') && out.authorNodes.length < 5) {
      const name = textOf(el);
      if (name && name.length < 100) out.authorNodes.push(name);
      return false;
    }
    return undefined;
  });
  return out;
}

function closestSvg(el: Element): boolean {
  let node = el.parent;
  while (node && (node as Element).name) {
    if ((node as Element).name === 'svg') return true;
    node = node.parent;
  }
  return false;
}

/** A script's raw content (htmlparser2 keeps it as text children, undecoded). */
function scriptText(el: Element): string {
  let text = '';
  for (const child of el.children) if (child.type === 'text') text += child.data;
  return text;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJsonLd(sources: string[]): Record<string, Json>[] {
  const objects: Record<string, Json>[] = [];
  for (const source of sources) {
    let data: Json;
    try {
      // Raw control characters inside strings are common in hand-written JSON-LD; JSON.parse rejects them.
      data = JSON.parse(source.replace(/^\s*<!--|-->\s*$/g, '').replace(/[\u0000-\u001f]+/g, ' ')) as Json;
    } catch {
      continue;
    }
    const stack: Json[] = [data];
    let guard = 0;
    while (stack.length > 0 && guard++ < 1000) {
      const item = stack.pop()!;
      if (Array.isArray(item)) stack.push(...item);
      else if (item && typeof item === 'object') {
        objects.push(item);
        if (item['@graph']) stack.push(item['@graph']);
        if (item['mainEntity'] && typeof item['mainEntity'] === 'object') stack.push(item['mainEntity']);
      }
    }
  }
  return objects;
}

function types(obj: Record<string, Json>): string[] {
  const t = obj['@type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

function str(value: Json | undefined): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) return str(value[0]);
  if (value && typeof value === 'object') return str(value['name'] ?? value['@value'] ?? value['url'] ?? value['@id']);
  return null;
}

function names(value: Json | undefined): string[] {
  if (!value) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => names(v));
  if (typeof value === 'object') {
    const name = value['name'];
    return typeof name === 'string' ? [name] : [];
  }
  return [];
}

/** An ISO timestamp for a date string, or null when it is not a plausible date. */
const DAY_ONLY = /^\d{4}[-/]?\d{2}[-/]?\d{2}$/;

export function toIsoDate(value: string | null | undefined, zone = 'Z'): string | null {
  if (!value) return null;
  let text = value.trim();
  if (!text) return null;
  let ms: number;
  if (/^\d{10}$/.test(text)) ms = Number(text) * 1000;
  else if (/^\d{13}$/.test(text)) ms = Number(text);
  else {
    // Date-times without a zone are local to the page's language (Korean and Japanese pages +09:00,
    // Chinese +08:00), else UTC, so the answer never depends on the machine.
    if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}${zone}`;
    else if (/^\d{4}\/\d{2}\/\d{2}$/.test(text)) text = `${text.replace(/\//g, '-')}`;
    else if (/^\d{8}$/.test(text)) text = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;
    // A bare day is the page's local day too.
    if (zone !== 'Z' && /^\d{4}-\d{2}-\d{2}$/.test(text)) text = `${text}T00:00:00${zone}`;
    else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*[+-]\d{2}:?\d{2}$/.test(text)) text = text.replace(' ', 'T').replace(/\s+/g, '');
    ms = Date.parse(text);
  }
  if (!Number.isFinite(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  if (year < 1990 || year > new Date().getUTCFullYear() + 1) return null;
  return new Date(ms).toISOString();
}

function cleanByline(value: string | null | undefined): string | null {
  if (!value) return null;
  let text = collapseSpaces(value).trim();
  if (!text || /^https?:\/\//i.test(text) || text.length > 150) return null;
  text = text.replace(/^(by|written by|posted by|von|par|por|di)\s*[:\-]?\s+/i, '').trim();
  text = cleanKoreanByline(text);
  return text || null;
}

const TITLE_SEPARATOR = /\s+[|\-–—:»·•]\s+|\s+::\s+|\s*[｜|]\s*/;
/** Han and kana titles also join the site's name without spaces: "标题--国内频道", "标题_新闻中心_新浪网". */
const CJK_TITLE_SEPARATOR = /\s+[|\-–—:»·•_]\s+|\s+::\s+|\s*[｜|]\s*|\s*(?:--+|—+|_)\s*/;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]/;

function titleParts(text: string): string[] {
  const separator = CJK.test(text) ? CJK_TITLE_SEPARATOR : TITLE_SEPARATOR;
  return text.split(separator).map((part) => part.trim()).filter(Boolean);
}

/** Reads like a headline rather than a site or section name. */
function headlineLike(part: string): boolean {
  return part.split(/\s+/).length >= 3 || (CJK.test(part) && weightedLength(part) >= 16);
}

function cleanTitleTag(title: string | null, h1: string[]): string | null {
  if (!title) return null;
  const text = collapseSpaces(title).trim();
  for (const heading of h1) {
    if (weightedLength(heading) >= 15 && text.includes(heading)) return heading;
  }
  const parts = titleParts(text);
  if (parts.length < 2) return text || null;
  // Site names sit at either end; keep the longest part when it reads like a headline.
  const longest = parts.reduce((a, b) => (weightedLength(b) > weightedLength(a) ? b : a));
  return headlineLike(longest) ? longest : text;
}

/**
 * "Headline - Site Name" → "Headline" when the site name is known: og:site_name, or a part of the
 * <title> that is not the headline (the same suffix often ends og:title too).
 */
function stripSiteName(title: string | null, siteNames: (string | null)[]): string | null {
  if (!title) return title;
  const sites = new Set(siteNames.filter((s): s is string => !!s).map((s) => collapseSpaces(s).trim().toLowerCase()).filter(Boolean));
  if (sites.size === 0) return title;
  // A known site name after a colon, which is no separator inside CJK headlines ("国家统计局：…"):
  // "見出し：朝日新聞デジタル".
  for (const site of sites) {
    const lower = title.toLowerCase();
    if (lower.length > site.length && lower.endsWith(site)) {
      const head = title.slice(0, title.length - site.length);
      if (/\s*[：:]\s*$/.test(head) && head.replace(/\s*[：:]\s*$/, '').trim()) return head.replace(/\s*[：:]\s*$/, '').trim();
    }
  }
  const parts = titleParts(title);
  if (parts.length < 2) return title;
  const kept = parts.filter((part) => !sites.has(part.toLowerCase()));
  if (kept.length === parts.length || kept.length === 0) return title;
  // Only ends are trimmed: "A - Site - B" keeps its middle as written.
  let start = 0;
  let end = parts.length;
  while (start < end && sites.has(parts[start]!.toLowerCase())) start++;
  while (end > start && sites.has(parts[end - 1]!.toLowerCase())) end--;
  if (start === 0 && end === parts.length) return title;
  const rest = parts.slice(start, end);
  if (rest.length === 1) return rest[0]!;
  // Several parts left: cut the title text itself so that its own separators stay.
  const first = title.indexOf(rest[0]!);
  const lastPart = rest.at(-1)!;
  const last = title.lastIndexOf(lastPart);
  return first >= 0 && last >= first ? title.slice(first, last + lastPart.length).trim() : rest.join(' - ');
}

/**
 * The page's headline when the title is that headline plus a bracketed source, as portals title the
 * wire stories they carry: "見出し（共同通信）", "标题（新华社）", "Headline (Reuters)".
 */
function withoutAttribution(title: string | null, h1: string[]): string | null {
  if (!title) return title;
  const text = collapseSpaces(title).trim();
  for (const heading of h1) {
    const head = collapseSpaces(heading).trim();
    if (head && text.startsWith(head) && /^\s*[（(][^（）()]{1,20}[)）]$/.test(text.slice(head.length))) return head;
  }
  return title;
}

export function extractMetadata(root: AnyNode, pageUrl: string | undefined): PageMetadata {
  const c = collect(root);
  const meta = c.meta;
  const ld = parseJsonLd(c.jsonLd);
  const articles = ld.filter((obj) => types(obj).some((t) => ARTICLE_TYPES.test(t)));
  const article = articles.find((obj) => !types(obj).includes('WebPage')) ?? articles[0] ?? null;

  const base = absoluteUrl(c.baseHref, pageUrl) ?? absoluteUrl(pageUrl) ?? null;
  const url =
    cleanUrl(c.canonical, base) ?? cleanUrl(meta.get('og:url'), base) ?? cleanUrl(pageUrl) ?? null;

  const ldHeadline = article ? str(article['headline']) ?? str(article['name']) : null;
  const siteName = meta.get('og:site_name') ?? meta.get('application-name') ?? null;
  const cleanTag = cleanTitleTag(c.titleTag, c.h1);
  const tagTitle = c.titleTag ? collapseSpaces(c.titleTag).trim() : null;
  // The outer parts of <title> around its headline are the site's name (or section).
  const tagParts = cleanTag && tagTitle && cleanTag !== tagTitle ? titleParts(tagTitle) : [];
  // (A part that holds the headline, "見出し（共同通信）", is not one.)
  const tagSites = tagParts.length >= 2 ? [tagParts[0]!, tagParts.at(-1)!].filter((part) => !cleanTag!.includes(part) && !part.includes(cleanTag!)) : [];
  let declared = firstNonEmpty(meta.get('og:title'), ldHeadline, meta.get('twitter:title'));
  // A CJK og:title that carries the same site and section parts as <title>: take the headline part.
  if (declared && cleanTag && declared !== cleanTag && CJK.test(declared) && titleParts(declared).includes(cleanTag)) declared = cleanTag;
  const title = withoutAttribution(stripSiteName(declared ?? cleanTag ?? c.h1[0] ?? null, [siteName, ...tagSites]), c.h1);

  const ldAuthors = article ? names(article['author'] ?? article['creator']).map((n) => cleanByline(n)).filter((n): n is string => !!n) : [];
  const byline =
    (ldAuthors.length > 0 ? [...new Set(ldAuthors)].join(', ') : null) ??
    cleanByline(meta.get('author')) ??
    cleanByline(meta.get('article:author')) ??
    cleanByline(meta.get('dc.creator')) ??
    cleanByline(meta.get('sailthru.author')) ??
    cleanByline(meta.get('parsely-author')) ??
    cleanByline(c.authorNodes[0]) ??
    null;

  const lang =
    normalizeLang(c.htmlLang) ??
    normalizeLang(meta.get('content-language')) ??
    normalizeLang(meta.get('language')) ??
    normalizeLang(meta.get('dc.language')) ??
    normalizeLang(meta.get('og:locale')) ??
    (article ? normalizeLang(str(article['inLanguage'])) : null);

  const zone = offsetFor(lang ?? detectLanguage(`${title ?? ''} ${c.h1.join(' ')}`));
  const dateCandidates: (string | null | undefined)[] = [
    article ? str(article['datePublished']) : null,
    meta.get('article:published_time'),
    meta.get('og:published_time'),
    meta.get('published_time'),
    meta.get('datepublished'),
    ...c.times.filter((t) => t.published).map((t) => t.datetime),
    meta.get('pubdate'),
    meta.get('publishdate'),
    meta.get('publish-date'),
    meta.get('parsely-pub-date'),
    meta.get('sailthru.date'),
    meta.get('dc.date.issued'),
    meta.get('dc.date'),
    meta.get('dcterms.created'),
    meta.get('date'),
    article ? str(article['dateCreated']) : null,
    ...c.times.map((t) => t.datetime),
    article ? str(article['dateModified']) : null,
    meta.get('article:modified_time'),
  ];
  let publishedAt: string | null = null;
  let publishedDayOnly = false;
  for (const candidate of dateCandidates) {
    publishedAt = toIsoDate(candidate, zone);
    if (publishedAt) {
      publishedDayOnly = DAY_ONLY.test(candidate!.trim());
      break;
    }
  }

  const body = article ? str(article['articleBody']) : null;
  const image = absoluteUrl(meta.get('og:image') ?? meta.get('twitter:image') ?? meta.get('twitter:image:src'), base);

  return {
    url,
    base,
    title: title ? collapseSpaces(title).trim() : null,
    byline,
    publishedAt,
    publishedDayOnly,
    lang,
    articleBody: body,
    image,
    siteName,
  };
}

function firstNonEmpty(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const text = value ? collapseSpaces(value).trim() : '';
    if (text) return text;
  }
  return null;
}
