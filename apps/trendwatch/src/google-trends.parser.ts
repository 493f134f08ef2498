import * as cheerio from 'cheerio';
import type { ExternalTrendItemV1 } from '#contracts';

/** What a feed could not give: the item is kept, the field is null, and the reason is listed. */
export interface ParsedFeed {
  items: ExternalTrendItemV1[];
  problems: string[];
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = { gmt: 0, ut: 0, utc: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420, kst: 540 };

/**
 * An RFC 822 date as RSS carries it ("Sun, 29 Nov 2026 05:20:00 -0700"), with its own offset:
 * Google's "trending now" feed writes a fixed -0700 even for Korea, so the offset must be applied,
 * never assumed. Null when it is not such a date.
 */
export function parseRfc822(text: string | undefined | null): Date | null {
  if (!text) return null;
  const m = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})?\s*$/.exec(text);
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return null;
  let year = Number(m[3]);
  if (year < 100) year += year < 50 ? 2000 : 1900;
  const [day, hour, minute, second] = [Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = m[7] ?? 'GMT';
  let offsetMin: number;
  if (/^[+-]\d{4}$/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(3, 5));
    if (hh > 14 || mm > 59) return null;
    offsetMin = sign * (hh * 60 + mm);
  } else {
    const known = ZONES[zone.toLowerCase()];
    if (known === undefined) return null;
    offsetMin = known;
  }
  const ms = Date.UTC(year, month, day, hour, minute, second) - offsetMin * 60_000;
  const date = new Date(ms);
  // 31 Feb and the like roll over in Date.UTC: refuse them instead.
  const local = new Date(ms + offsetMin * 60_000);
  if (local.getUTCDate() !== day || local.getUTCMonth() !== month) return null;
  return date;
}

/** "200+", "2K+", "1M+", "20,000+": the bucket's lower bound. */
export function trafficMin(text: string | null): number | null {
  if (!text) return null;
  const m = /^\s*([\d.,]+)\s*([KkMm만천]?)\s*\+?\s*$/.exec(text);
  if (!m) return null;
  const base = Number(m[1]!.replace(/,/g, ''));
  if (!Number.isFinite(base)) return null;
  const scale = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, 천: 1e3, 만: 1e4, '': 1 }[m[2]!] ?? 1;
  return Math.round(base * scale);
}

/**
 * Google Trends "trending now" RSS (`/trending/rss?geo=KR`): RSS 2.0 with the `ht:` namespace.
 * Each item: title (the search), `ht:approx_traffic`, pubDate, `ht:picture`, 0..3 `ht:news_item`
 * (`ht:news_item_title`, `_url`, `_source`). Items without a title are skipped; other missing or
 * bad fields become null and are listed in `problems`.
 */
export function parseTrendingRss(xml: string, maxItems = 100): ParsedFeed {
  const $ = cheerio.load(xml, { xml: true });
  const problems: string[] = [];
  if ($('rss > channel').length === 0) throw new Error('not an RSS 2.0 feed (no rss > channel)');
  const items: ExternalTrendItemV1[] = [];
  $('rss > channel > item').each((index, element) => {
    if (items.length >= maxItems) return;
    const item = $(element);
    const term = item.children('title').first().text().trim();
    if (!term) {
      problems.push(`item ${index + 1}: no title, skipped`);
      return;
    }
    const traffic = item.children('ht\\:approx_traffic').first().text().trim() || null;
    if (!traffic) problems.push(`item ${index + 1} (${term}): no ht:approx_traffic`);
    const pubDate = item.children('pubDate').first().text().trim();
    const started = parseRfc822(pubDate);
    if (!started) problems.push(`item ${index + 1} (${term}): ${pubDate ? `bad pubDate "${pubDate.slice(0, 64)}"` : 'no pubDate'}`);
    const news = item
      .children('ht\\:news_item')
      .slice(0, 3)
      .map((_, n) => ({
        title: $(n).children('ht\\:news_item_title').first().text().trim() || null,
        url: $(n).children('ht\\:news_item_url').first().text().trim() || null,
        source: $(n).children('ht\\:news_item_source').first().text().trim() || null,
      }))
      .get()
      .filter((n) => n.title !== null || n.url !== null);
    items.push({
      position: items.length,
      term: term.slice(0, 255),
      traffic: traffic?.slice(0, 32) ?? null,
      trafficMin: trafficMin(traffic),
      ratio: null,
      startedAt: started?.toISOString() ?? null,
      detail: { news, picture: item.children('ht\\:picture').first().text().trim() || null },
    });
  });
  return { items, problems };
}
