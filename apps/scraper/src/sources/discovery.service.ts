import { load, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import { cleanUrl, decodeHtml } from '#extraction';
import type { FetchSession } from '../fetch/fetch.client.js';
import type { SourceConfig } from './sources.config.js';
import { decodeXml, isoDate, localName, maybeGunzip, SourceFormatError } from './xml.util.js';

/** One article link a source points to. */
export interface DiscoveredLink {
  url: string;
  title: string | null;
  publishedAt: string | null;
}

export interface DiscoveryLimits {
  feedBytes: number;
  pageBytes: number;
}

const XML_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';
const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
/** Child sitemaps of a sitemap index followed per run. */
const MAX_CHILD_SITEMAPS = 10;
const MAX_LINK_LENGTH = 2048;

/** Turns a source into the article URLs it lists, in its order, de-duplicated, at most `limit`. */
export class DiscoveryService {
  constructor(private readonly limits: DiscoveryLimits) {}

  async discover(source: SourceConfig, session: FetchSession, limit: number): Promise<DiscoveredLink[]> {
    const links = new LinkSet(limit);
    switch (source.kind) {
      case 'rss':
      case 'atom':
        await this.feed(source.url, session, links);
        break;
      case 'sitemap':
        await this.sitemap(source.url, session, links);
        break;
      case 'listing':
        await this.listing(source, session, links);
        break;
    }
    return links.list();
  }

  private async feed(url: string, session: FetchSession, links: LinkSet): Promise<void> {
    const fetched = await session.fetch({ url, maxBytes: this.limits.feedBytes, accept: XML_ACCEPT });
    const $ = load(decodeXml(fetched.body, fetched.contentType), { xml: true });
    const root = $.root().children().first()[0] as Element | undefined;
    const rootName = root ? localName(root.tagName) : '';
    if (rootName !== 'rss' && rootName !== 'feed' && rootName !== 'rdf') {
      throw new SourceFormatError(`${url} is not an RSS or Atom feed (its root element is <${rootName || 'nothing'}>)`);
    }
    for (const entry of elementsNamed($, ['item', 'entry'])) {
      if (links.full) break;
      const link = entryLink($, entry);
      links.add(link, fetched.url, text($, entry, ['title']), isoDate(text($, entry, ['pubdate', 'published', 'updated', 'date'])));
    }
  }

  private async sitemap(url: string, session: FetchSession, links: LinkSet): Promise<void> {
    const children = await this.sitemapFile(url, session, links);
    for (const child of children.slice(0, MAX_CHILD_SITEMAPS)) {
      if (links.full) break;
      // One level only: an index of indexes is not followed (a loop or a fan-out bomb otherwise).
      await this.sitemapFile(child, session, links, false);
    }
  }

  /** Adds the URLs of a urlset; returns the child sitemaps of an index, newest first. */
  private async sitemapFile(url: string, session: FetchSession, links: LinkSet, allowIndex = true): Promise<string[]> {
    const fetched = await session.fetch({ url, maxBytes: this.limits.feedBytes, accept: XML_ACCEPT });
    const bytes = maybeGunzip(fetched.body, this.limits.feedBytes, url);
    const $ = load(decodeXml(bytes, fetched.contentType), { xml: true });
    const root = $.root().children().first()[0] as Element | undefined;
    const rootName = root ? localName(root.tagName) : '';
    if (rootName === 'sitemapindex') {
      if (!allowIndex) return [];
      return elementsNamed($, ['sitemap'])
        .map((el) => ({ loc: text($, el, ['loc']), at: isoDate(text($, el, ['lastmod'])) ?? '' }))
        .filter((c): c is { loc: string; at: string } => c.loc !== null)
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
        .map((c) => cleanUrl(c.loc, fetched.url))
        .filter((c): c is string => c !== null);
    }
    if (rootName !== 'urlset') throw new SourceFormatError(`${url} is not a sitemap (its root element is <${rootName || 'nothing'}>)`);
    for (const entry of elementsNamed($, ['url'])) {
      if (links.full) break;
      // Google News fields sit one level down, in <news:news>.
      const published = isoDate(descendantText($, entry, 'publication_date')) ?? isoDate(text($, entry, ['lastmod']));
      links.add(text($, entry, ['loc']), fetched.url, descendantText($, entry, 'title'), published);
    }
    return [];
  }

  private async listing(source: SourceConfig, session: FetchSession, links: LinkSet): Promise<void> {
    const selectors = source.selectors!;
    const visited = new Set<string>();
    let next: string | null = source.url;
    for (let page = 0; next && page < source.maxPages && !links.full; page++) {
      visited.add(next);
      const fetched = await session.fetch({ url: next, maxBytes: this.limits.pageBytes, accept: HTML_ACCEPT });
      const $ = load(decodeHtml(fetched.body, fetched.contentType ?? undefined));
      const base = cleanUrl($('base[href]').first().attr('href'), fetched.url) ?? fetched.url;
      let matched: ReturnType<CheerioAPI>;
      try {
        matched = $(selectors.articleLinks);
      } catch (error) {
        throw new SourceFormatError(`selectors.articleLinks "${selectors.articleLinks}" of ${source.id} is not a valid CSS selector: ${(error as Error).message}`);
      }
      for (const el of matched.toArray()) {
        const anchors = $(el).is('a[href]') ? [el] : $(el).find('a[href]').toArray();
        for (const anchor of anchors) {
          if (links.full) break;
          links.add($(anchor).attr('href') ?? null, base, $(anchor).text().trim() || null, null);
        }
      }
      if (page === 0 && matched.length === 0) {
        throw new SourceFormatError(`selectors.articleLinks "${selectors.articleLinks}" matches nothing on ${fetched.url}; the site's markup may have changed`);
      }
      const href = selectors.nextPage ? $(selectors.nextPage).filter('a[href]').first().attr('href') ?? $(selectors.nextPage).find('a[href]').first().attr('href') : undefined;
      const candidate = href ? cleanUrl(href, base) : null;
      next = candidate && !visited.has(candidate) ? candidate : null;
    }
  }
}

/** Ordered, de-duplicated (after cleaning tracking parameters and fragments), bounded. */
class LinkSet {
  private readonly links = new Map<string, DiscoveredLink>();

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.links.size >= this.limit;
  }

  add(href: string | null, base: string, title: string | null, publishedAt: string | null): void {
    if (!href || this.full) return;
    const url = cleanUrl(href, base);
    if (!url || url.length > MAX_LINK_LENGTH || this.links.has(url)) return;
    this.links.set(url, { url, title: title ? title.slice(0, 1000) : null, publishedAt });
  }

  list(): DiscoveredLink[] {
    return [...this.links.values()];
  }
}

function elementsNamed($: CheerioAPI, names: string[]): Element[] {
  return $('*')
    .toArray()
    .filter((el): el is Element => el.type === 'tag' && names.includes(localName(el.tagName)));
}

/** The text of the first direct child with one of these local names, trimmed; null when empty. */
function text($: CheerioAPI, parent: Element, names: string[]): string | null {
  for (const child of parent.children as AnyNode[]) {
    if (child.type === 'tag' && names.includes(localName((child as Element).tagName))) {
      const value = $(child).text().trim();
      if (value) return value;
    }
  }
  return null;
}

/** The text of the first descendant with this local name; null when there is none. */
function descendantText($: CheerioAPI, parent: Element, name: string): string | null {
  const found = $(parent)
    .find('*')
    .toArray()
    .find((el) => el.type === 'tag' && localName((el as Element).tagName) === name);
  const value = found ? $(found).text().trim() : '';
  return value || null;
}

/** RSS `<link>` (or a permalink `<guid>`), Atom `<link rel="alternate" href>`. */
function entryLink($: CheerioAPI, entry: Element): string | null {
  let guid: string | null = null;
  for (const child of entry.children as AnyNode[]) {
    if (child.type !== 'tag') continue;
    const el = child as Element;
    const name = localName(el.tagName);
    if (name === 'link') {
      const href = el.attribs.href;
      const rel = (el.attribs.rel ?? 'alternate').toLowerCase();
      if (href && rel === 'alternate') return href.trim();
      const body = $(el).text().trim();
      if (!href && body) return body;
    }
    if (name === 'guid' && (el.attribs.ispermalink ?? el.attribs.isPermaLink ?? 'true').toLowerCase() !== 'false') {
      guid = $(el).text().trim() || null;
    }
  }
  return guid && /^https?:\/\//i.test(guid) ? guid : null;
}
