import type { LineageRowV1 } from '#contracts';
import { CatalogReportExternalTrendsV1 } from '#contracts/requests/catalog/report.v1';
import { CatalogReportLineageV2 } from '#contracts/requests/catalog/report.v2';
import { LoggerEventKeysV1 } from '#contracts/requests/logger/event-keys.v1';
import { NoServiceError, RequestTimeoutError } from '#messaging/errors';
import type { RequestClient } from '#messaging/request-client';
import { ReportAccumulator } from './report-aggregates.js';
import { rowsOfPage, type LineageColumnsPage } from './report-columns.js';
import type { LogCheck, LogCheckKind, ReportData } from './report-render.js';

export interface ReportWindow {
  from: string;
  to: string;
  timeZone: string;
}

export interface CollectOptions {
  pageSize?: number;
  timeoutMs?: number;
  /** Called once the external trends and the number of slices are known, before the first rows. */
  onStart?: (external: ReportData['external'], slices: number) => void | Promise<void>;
  /** Called with each page (the reply's columns; rowsOfPage makes objects of them) and its slice (0 the oldest); within a slice, in order. */
  onPage?: (page: LineageColumnsPage, slice: number) => void | Promise<void>;
  /** Time slices of the window read at once (default 4). */
  slices?: number;
  /** Keep every row in the result (tests, small windows); the CLI streams them instead. */
  keepRows?: boolean;
  /** Compare the counts with the log DB's events (the logger over NATS); default true. */
  logCheck?: boolean;
  /** How far before the window the log DB is searched for the videos', stories' and trends' events. */
  logLookbackDays?: number;
}

const DAY = 86_400_000;

/** [from, to) cut into `count` consecutive slices of equal time (the last ends at `to`). */
export function sliceWindow(from: string, to: string, count: number): { from: string; to: string }[] {
  const start = Date.parse(from);
  const span = Date.parse(to) - start;
  const n = Math.max(1, Math.min(count, Math.floor(span / 1000)));
  return Array.from({ length: n }, (_, k) => ({
    from: k === 0 ? from : new Date(start + Math.floor((span * k) / n)).toISOString(),
    to: k === n - 1 ? to : new Date(start + Math.floor((span * (k + 1)) / n)).toISOString(),
  }));
}

/**
 * Reads every page of the window from the catalog and folds the rows into the aggregates, then
 * compares the counts with the log DB. The window is read as `slices` consecutive time slices at
 * once, each its own cursor, and each slice asks for its next page before handing on the current
 * one: on a busy machine a page's round trip (tool → NATS → catalog → database and back) is mostly
 * waiting to be scheduled, and several in flight hide that wait. `onPage` gets each slice's pages in
 * order with the slice's number (slice 0 is the oldest); the caller puts the slices together.
 */
export async function collectReport(requests: RequestClient, window: ReportWindow, options: CollectOptions = {}): Promise<ReportData> {
  const { days: external } = await requests.request(CatalogReportExternalTrendsV1, { from: window.from, to: window.to, perDay: 10 }, { timeoutMs: options.timeoutMs });
  const slices = sliceWindow(window.from, window.to, options.slices ?? 4);
  await options.onStart?.(external, slices.length);
  const acc = new ReportAccumulator(window);
  const kept: LineageRowV1[][] = slices.map(() => []);
  const publicationIds = new Set<number>();
  const keep = options.keepRows ?? !options.onPage;
  const readSlice = async (slice: { from: string; to: string }, k: number): Promise<void> => {
    let limit = options.pageSize ?? 1000;
    const ask = (cursor?: string) => requests.request(CatalogReportLineageV2, { ...slice, cursor, limit }, { timeoutMs: options.timeoutMs });
    let pending: ReturnType<typeof ask> | undefined = ask();
    while (pending) {
      const page: Awaited<ReturnType<typeof ask>> = await pending;
      // A page the catalog cut for size: ask for that many next time, not for rows it reads and drops.
      if (page.nextCursor && page.count < limit) limit = Math.max(1, page.count);
      pending = page.nextCursor ? ask(page.nextCursor) : undefined;
      // A failed prefetch is reported when it is awaited, not as an unhandled rejection meanwhile.
      pending?.catch(() => undefined);
      acc.addPage(page);
      for (const id of page.columns.publicationId) publicationIds.add(id);
      if (keep) kept[k]!.push(...rowsOfPage(page));
      await options.onPage?.(page, k);
    }
  };
  await Promise.all(slices.map((slice, k) => readSlice(slice, k)));
  const aggregates = acc.result(external);
  const logCheck =
    options.logCheck === false
      ? undefined
      : await compareWithLog(requests, window, { publications: publicationIds, ...acc.ids }, options.logLookbackDays ?? 30, options.timeoutMs);
  return { rows: kept.flat(), shown: acc.shownRows(), external, aggregates, logCheck, generatedAt: new Date().toISOString() };
}

/** What each count of the report is compared with: the event that announced the row, by its id field. */
export const LOG_KINDS = [
  { kind: 'publications', subject: 'pipeline.video.published.v1', key: 'publicationId' },
  { kind: 'videos', subject: 'pipeline.video.generated.v1', key: 'videoId' },
  { kind: 'stories', subject: 'pipeline.story.written.v1', key: 'storyId' },
  { kind: 'trends', subject: 'pipeline.trend.detected.v1', key: 'trendId' },
] as const;

const LISTED = 20;

function inRanges(ranges: [number, number][], id: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid]!;
    if (id < a) hi = mid - 1;
    else if (id > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The report's counts against the log DB's events: every publication, video, story and trend of the
 * report must have its event logged (publications in the window itself, the others up to
 * `lookbackDays` before it, since they came first); and every publication event logged in the
 * window must be a row of the report. Differences are listed by id (the first 20 of each).
 */
export async function compareWithLog(
  requests: RequestClient,
  window: ReportWindow,
  ids: { publications: Set<number>; videos: Set<number>; stories: Set<number>; trends: Set<number> },
  lookbackDays: number,
  timeoutMs?: number,
): Promise<LogCheck> {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const kinds: LogCheckKind[] = [];
  try {
    for (const { kind, subject, key } of LOG_KINDS) {
      const mine = ids[kind];
      // A publication's event follows its row by moments: the window, a day past its end.
      const since = kind === 'publications' ? from : from - lookbackDays * DAY;
      const until = kind === 'publications' ? to + DAY : to;
      const logged = await requests.request(
        LoggerEventKeysV1,
        { subject, key, from: new Date(since).toISOString(), to: new Date(until).toISOString() },
        { timeoutMs },
      );
      const missing: number[] = [];
      for (const id of mine) if (!inRanges(logged.ranges, id)) missing.push(id);
      missing.sort((a, b) => a - b);
      let notInReport: number[] = [];
      if (kind === 'publications') {
        const inWindow = await requests.request(LoggerEventKeysV1, { subject, key, from: window.from, to: window.to }, { timeoutMs });
        for (const [a, b] of inWindow.ranges) for (let id = a; id <= b; id++) if (!mine.has(id)) notInReport.push(id);
        notInReport = notInReport.slice(0, 10_000);
      }
      kinds.push({
        kind,
        subject,
        report: mine.size,
        logged: mine.size - missing.length,
        missing: missing.length,
        missingIds: missing.slice(0, LISTED),
        notInReport: notInReport.length,
        notInReportIds: notInReport.slice(0, LISTED),
        truncated: logged.truncated,
      });
    }
  } catch (error) {
    if (error instanceof NoServiceError || error instanceof RequestTimeoutError) {
      return { checked: false, reason: `the log DB was not compared: ${error instanceof NoServiceError ? 'no logger answers on NATS' : 'the logger did not answer in time'}`, kinds };
    }
    throw error;
  }
  const agree = kinds.every((k) => k.missing === 0 && k.notInReport === 0 && !k.truncated);
  return { checked: true, agree, lookbackDays, kinds };
}
