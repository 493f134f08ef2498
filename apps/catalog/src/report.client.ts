import { CatalogReportExternalTrendsV1, CatalogReportLineageV1, type LineageRowV1 } from '#contracts';
import type { RequestClient } from '#messaging';
import { aggregate } from './report-aggregates.js';
import type { ReportData } from './report-render.js';

export interface ReportWindow {
  from: string;
  to: string;
  timeZone: string;
}

/** Reads every page of the window from the catalog and computes the aggregates. */
export async function collectReport(requests: RequestClient, window: ReportWindow, options: { pageSize?: number; timeoutMs?: number } = {}): Promise<ReportData> {
  const rows: LineageRowV1[] = [];
  let cursor: string | undefined;
  do {
    const page = await requests.request(
      CatalogReportLineageV1,
      { from: window.from, to: window.to, cursor, limit: options.pageSize ?? 500 },
      { timeoutMs: options.timeoutMs },
    );
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const { days } = await requests.request(CatalogReportExternalTrendsV1, { from: window.from, to: window.to, perDay: 10 }, { timeoutMs: options.timeoutMs });
  return { rows, external: days, aggregates: aggregate(rows, days, window), generatedAt: new Date().toISOString() };
}
