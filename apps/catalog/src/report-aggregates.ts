import type { CatalogReportExternalTrendsResponseV1, LineageRowV1 } from '#contracts';
import { pageOfRows, rowOf, type LineageColumnsPage } from './report-columns.js';

/** Views summed over a group of publications (latest snapshot; a publication without any counts 0 and is counted apart). */
export interface Bucket {
  key: string;
  publications: number;
  measured: number;
  views: number;
  avgViews: number;
}

export interface CoOccurrence {
  term: string;
  /** Top performers published on a day when the term was trending outside, and all publications. */
  topPublications: number;
  allPublications: number;
  /** Share among top performers over share among all: > 1 means the term went with success. */
  lift: number;
}

export interface ReportAggregates {
  window: { from: string; to: string; timeZone: string };
  publications: number;
  measured: number;
  totalViews: number;
  byCategory: Bucket[];
  byStage: Bucket[];
  byChannel: Bucket[];
  byPlatform: Bucket[];
  byWeekday: Bucket[];
  byHour: Bucket[];
  byStoryModel: Bucket[];
  byVideoModel: Bucket[];
  byEditor: Bucket[];
  standIn: Bucket[];
  topPerformers: { publicationId: number; title: string | null; viewsLatest: number; day: string }[];
  coOccurringTrends: CoOccurrence[];
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Weekday and hour of an instant in a time zone (the audience's, not the server's). Intl's
 * formatToParts is slow (tens of microseconds), so each UTC hour is formatted once: every zone's
 * offset is a whole number of quarter hours, so the instants of one UTC quarter-hour share a slot.
 */
export function localSlot(timeZone: string): (iso: string) => { weekday: string; hour: number } {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  const cache = new Map<number, { weekday: string; hour: number }>();
  // The slot of each UTC quarter-hour's ISO prefix (`YYYY-MM-DDTHH` + the quarter): rows come as
  // `…Z` text, and slicing it is cheaper than parsing every row's time with Date.parse.
  const byText = new Map<string, { weekday: string; hour: number }>();
  // Rows come in time order within a slice: most share the previous row's quarter-hour, which
  // startsWith and two digits tell without building a key.
  let lastHour = '';
  let lastQuarter = -1;
  let lastSlot: { weekday: string; hour: number } | undefined;
  return (iso) => {
    if (lastSlot && iso.startsWith(lastHour) && iso.length >= 17 && iso.endsWith('Z')) {
      const minutes = (iso.charCodeAt(14) - 48) * 10 + (iso.charCodeAt(15) - 48);
      if (((minutes / 15) | 0) === lastQuarter) return lastSlot;
    }
    const slot = slotOf(iso);
    if (iso.length >= 17 && iso.endsWith('Z') && iso[10] === 'T' && iso[13] === ':') {
      lastHour = iso.slice(0, 14);
      lastQuarter = (Number(iso.slice(14, 16)) / 15) | 0;
      lastSlot = slot;
    } else lastSlot = undefined;
    return slot;
  };
  function slotOf(iso: string): { weekday: string; hour: number } {
    const utc = iso.length >= 17 && iso.endsWith('Z') && iso[10] === 'T' && iso[13] === ':';
    const textKey = utc ? iso.slice(0, 13) + ((Number(iso.slice(14, 16)) / 15) | 0) : undefined;
    if (textKey !== undefined) {
      const known = byText.get(textKey);
      if (known) return known;
    }
    const quarter = Math.floor(Date.parse(iso) / 900_000);
    let slot = cache.get(quarter);
    if (!slot) {
      let weekday = '';
      let hour = 0;
      for (const part of format.formatToParts(new Date(quarter * 900_000))) {
        if (part.type === 'weekday') weekday = part.value;
        else if (part.type === 'hour') hour = Number(part.value);
      }
      slot = { weekday, hour };
      if (cache.size > 100_000) cache.clear();
      cache.set(quarter, slot);
    }
    if (textKey !== undefined) {
      if (byText.size > 100_000) byText.clear();
      byText.set(textKey, slot);
    }
    return slot;
  }
}

class Grouper {
  private readonly groups = new Map<string, Bucket>();
  /** The bucket of a key (a page looks each of its strings up once, not each row's). */
  bucket(key: string): Bucket {
    let b = this.groups.get(key);
    if (!b) {
      b = { key, publications: 0, measured: 0, views: 0, avgViews: 0 };
      this.groups.set(key, b);
    }
    return b;
  }
  buckets(order?: readonly string[]): Bucket[] {
    const list = [...this.groups.values()].map((b) => ({ ...b, avgViews: b.measured ? Math.round(b.views / b.measured) : 0 }));
    if (order) return list.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
    return list.sort((a, b) => b.views - a.views || a.key.localeCompare(b.key));
  }
}

function count(b: Bucket, views: number | null): void {
  b.publications += 1;
  if (views !== null) {
    b.measured += 1;
    b.views += views;
  }
}

/**
 * The bucket of each of a page's strings as the key `keyOf` makes of it, looked up on first use:
 * a page's rows point into its dictionary, so a group is found once per string, not once per row.
 */
function bucketsOf(grouper: Grouper, strings: readonly string[], keyOf: (text: string | null) => string): (ref: number | null) => Bucket {
  const byRef: (Bucket | undefined)[] = new Array(strings.length);
  let none: Bucket | undefined;
  return (ref) => {
    if (ref === null) return (none ??= grouper.bucket(keyOf(null)));
    return (byRef[ref] ??= grouper.bucket(keyOf(strings[ref]!)));
  };
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** The stand-in group of each combination (bit 1 story, 2 video, 4 edit), built once rather than per row. */
const STAND_IN_KEYS = Array.from({ length: 8 }, (_, bits) => {
  const parts = [bits & 1 && 'story', bits & 2 && 'video', bits & 4 && 'edit'].filter(Boolean);
  return parts.length ? `stand-in: ${parts.join('+')}` : 'all models';
});

/** The publication's UTC day, the key of the external trends of that day. */
export function dayOf(row: LineageRowV1): string {
  return row.publishedAt.slice(0, 10);
}

/** Rows kept for the HTML table and the top performers: the most viewed, then unmeasured ones. */
export const SHOWN_ROWS = 500;

/** Most viewed first; ties by publication id. */
function byViews(a: LineageRowV1, b: LineageRowV1): number {
  return (b.viewsLatest ?? -1) - (a.viewsLatest ?? -1) || a.publicationId - b.publicationId;
}

/**
 * The report's aggregates, computed from the rows one page at a time: it keeps the group sums, the
 * publications per UTC day and the SHOWN_ROWS most viewed rows, never every row (the CSV and JSON
 * are written as the pages arrive).
 */
export class ReportAccumulator {
  private readonly g = {
    category: new Grouper(),
    stage: new Grouper(),
    channel: new Grouper(),
    platform: new Grouper(),
    weekday: new Grouper(),
    hour: new Grouper(),
    storyModel: new Grouper(),
    videoModel: new Grouper(),
    editor: new Grouper(),
    standIn: new Grouper(),
  };
  private readonly slot: (iso: string) => { weekday: string; hour: number };
  private publications = 0;
  private measured = 0;
  private totalViews = 0;
  private readonly perDay = new Map<string, number>();
  private top: LineageRowV1[] = [];
  private readonly unmeasured: LineageRowV1[] = [];
  /**
   * Once SHOWN_ROWS rows are kept, a row with fewer views than the last of them can never be shown
   * (ties go by id, so equal views still may): later rows below this floor build no object.
   */
  private topFloor = -1;
  /** Likewise the newest of the SHOWN_ROWS oldest unmeasured rows, once there are that many. */
  private lastUnmeasured: LineageRowV1 | undefined;
  private readonly standIns: Bucket[] = [];
  /** Distinct lineage ids of the rows (compared with the log DB's events). */
  readonly ids = { videos: new Set<number>(), stories: new Set<number>(), trends: new Set<number>() };

  constructor(readonly window: { from: string; to: string; timeZone: string }) {
    this.slot = localSlot(window.timeZone);
  }

  /**
   * One page: the sums from its columns (each group's bucket found once per string of the page);
   * a row object is built only for a row that may be among the most viewed or the oldest unmeasured.
   */
  addPage(page: LineageColumnsPage): void {
    const g = this.g;
    const c = page.columns;
    const s = page.strings;
    const same = (text: string | null) => text ?? '';
    const category = bucketsOf(g.category, s, (text) => text ?? '(none)');
    const stage = bucketsOf(g.stage, s, (text) => text ?? '(unknown)');
    const platform = bucketsOf(g.platform, s, same);
    const storyModel = bucketsOf(g.storyModel, s, same);
    const videoModel = bucketsOf(g.videoModel, s, same);
    const editor = bucketsOf(g.editor, s, same);
    const channels = new Map<number, Bucket>();
    let day = '\0';
    let run = 0;
    let lastSlot: { weekday: string; hour: number } | undefined;
    let weekdayBucket: Bucket | undefined;
    let hourBucket: Bucket | undefined;
    for (let i = 0; i < page.count; i++) {
      const v = c.viewsLatest[i]!;
      const publishedAt = c.publishedAt[i]!;
      this.publications += 1;
      if (v !== null) {
        this.measured += 1;
        this.totalViews += v;
        if (v >= this.topFloor) {
          this.top.push(rowOf(page, i));
          if (this.top.length >= SHOWN_ROWS * 4) this.trimTop();
        }
      } else if (!this.lastUnmeasured || publishedAt < this.lastUnmeasured.publishedAt ||
        (publishedAt === this.lastUnmeasured.publishedAt && c.publicationId[i]! < this.lastUnmeasured.publicationId)) {
        this.unmeasured.push(rowOf(page, i));
        if (this.unmeasured.length >= SHOWN_ROWS * 4) this.trimUnmeasured();
      }
      // Rows come in time order within a page: count a day's run of rows, then add it.
      if (!publishedAt.startsWith(day)) {
        if (run) this.perDay.set(day, (this.perDay.get(day) ?? 0) + run);
        day = publishedAt.slice(0, 10);
        run = 0;
      }
      run += 1;
      this.ids.videos.add(c.videoId[i]!);
      this.ids.stories.add(c.storyId[i]!);
      this.ids.trends.add(c.trendId[i]!);
      const slot = this.slot(publishedAt);
      if (slot !== lastSlot) {
        lastSlot = slot;
        weekdayBucket = g.weekday.bucket(slot.weekday);
        hourBucket = g.hour.bucket(HOURS[slot.hour] ?? String(slot.hour).padStart(2, '0'));
      }
      count(category(c.category[i]!), v);
      count(stage(c.stageAtPublication[i]!), v);
      const p = c.platform[i]!;
      const pair = p * s.length + c.channel[i]!;
      let channel = channels.get(pair);
      if (!channel) {
        channel = g.channel.bucket(`${s[p]}/${s[c.channel[i]!]}`);
        channels.set(pair, channel);
      }
      count(channel, v);
      count(platform(p), v);
      count(weekdayBucket!, v);
      count(hourBucket!, v);
      count(storyModel(c.storyModel[i]!), v);
      count(videoModel(c.videoModel[i]!), v);
      count(editor(c.editor[i]!), v);
      count(this.standInBucket((c.storyStandIn[i] ? 1 : 0) | (c.videoStandIn[i] ? 2 : 0) | (c.editStandIn[i] ? 4 : 0)), v);
    }
    if (run) this.perDay.set(day, (this.perDay.get(day) ?? 0) + run);
  }

  private standInBucket(bits: number): Bucket {
    return (this.standIns[bits] ??= this.g.standIn.bucket(STAND_IN_KEYS[bits]!));
  }

  private trimTop(): void {
    this.top.sort(byViews);
    this.top.length = Math.min(this.top.length, SHOWN_ROWS);
    if (this.top.length === SHOWN_ROWS) this.topFloor = this.top[SHOWN_ROWS - 1]!.viewsLatest!;
  }

  /** The oldest unmeasured rows (pages may arrive from several slices of the window at once). */
  private trimUnmeasured(): void {
    this.unmeasured.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.publicationId - b.publicationId);
    this.unmeasured.length = Math.min(this.unmeasured.length, SHOWN_ROWS);
    if (this.unmeasured.length === SHOWN_ROWS) this.lastUnmeasured = this.unmeasured[SHOWN_ROWS - 1];
  }

  /** The rows the HTML table shows: the most viewed first, then the oldest unmeasured ones, SHOWN_ROWS at most. */
  shownRows(): LineageRowV1[] {
    this.trimTop();
    this.trimUnmeasured();
    return this.top.concat(this.unmeasured).slice(0, SHOWN_ROWS);
  }

  result(external: CatalogReportExternalTrendsResponseV1['days']): ReportAggregates {
    this.trimTop();
    const g = this.g;
    // Top performers: the best tenth by latest views (at least 1, at most 20), measured ones only.
    const top = this.top.slice(0, Math.min(20, Math.max(1, Math.ceil(this.measured / 10))));
    const termsOfDay = new Map(external.map((d) => [d.day, d.terms.map((t) => t.term)]));
    const topCounts = new Map<string, number>();
    for (const r of top) for (const term of termsOfDay.get(dayOf(r)) ?? []) topCounts.set(term, (topCounts.get(term) ?? 0) + 1);
    const allCounts = new Map<string, number>();
    for (const [day, n] of this.perDay) for (const term of termsOfDay.get(day) ?? []) allCounts.set(term, (allCounts.get(term) ?? 0) + n);
    const coOccurringTrends = [...topCounts.entries()]
      .map(([term, n]) => {
        const all = allCounts.get(term) ?? n;
        return { term, topPublications: n, allPublications: all, lift: Number((n / top.length / (all / this.publications)).toFixed(2)) };
      })
      .sort((a, b) => b.topPublications - a.topPublications || b.lift - a.lift || a.term.localeCompare(b.term))
      .slice(0, 20);
    const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
    return {
      window: this.window,
      publications: this.publications,
      measured: this.measured,
      totalViews: this.totalViews,
      byCategory: g.category.buckets(),
      byStage: g.stage.buckets(),
      byChannel: g.channel.buckets(),
      byPlatform: g.platform.buckets(),
      byWeekday: g.weekday.buckets(WEEKDAYS),
      byHour: g.hour.buckets(hours),
      byStoryModel: g.storyModel.buckets(),
      byVideoModel: g.videoModel.buckets(),
      byEditor: g.editor.buckets(),
      standIn: g.standIn.buckets(),
      topPerformers: top.map((r) => ({ publicationId: r.publicationId, title: r.title, viewsLatest: r.viewsLatest!, day: dayOf(r) })),
      coOccurringTrends,
    };
  }
}

/** The report's aggregates, computed from the rows alone (the catalog hands out rows, the report does arithmetic). */
export function aggregate(
  rows: LineageRowV1[],
  external: CatalogReportExternalTrendsResponseV1['days'],
  window: { from: string; to: string; timeZone: string },
): ReportAggregates {
  const acc = new ReportAccumulator(window);
  acc.addPage(pageOfRows(rows));
  return acc.result(external);
}
