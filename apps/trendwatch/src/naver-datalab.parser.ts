import type { ExternalTrendItemV1 } from '#contracts';
import { z } from 'zod';

/** Naver DataLab search trend answer (`POST /v1/datalab/search`). */
const DataLabResponse = z.object({
  startDate: z.string(),
  endDate: z.string(),
  timeUnit: z.string(),
  results: z
    .array(
      z.object({
        title: z.string(),
        keywords: z.array(z.string()).default([]),
        data: z.array(z.object({ period: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), ratio: z.number().finite().nonnegative() })).default([]),
      }),
    )
    .max(5),
});

export interface DataLabRequest {
  startDate: string;
  endDate: string;
  timeUnit: 'date';
  keywordGroups: { groupName: string; keywords: string[] }[];
}

/**
 * DataLab ratios are relative within one request (the highest point of all its groups is 100),
 * so every request carries the same anchor group, and each term's latest ratio is stored divided
 * by the anchor's over the same period: comparable across requests and days.
 */
export function parseDataLab(body: unknown, anchor: string): { items: ExternalTrendItemV1[]; problems: string[] } {
  const parsed = DataLabResponse.safeParse(body);
  if (!parsed.success) throw new Error(`DataLab answer does not match its shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500)}`);
  const problems: string[] = [];
  const anchorResult = parsed.data.results.find((r) => r.title === anchor);
  const anchorMean = anchorResult && anchorResult.data.length > 0 ? anchorResult.data.reduce((s, d) => s + d.ratio, 0) / anchorResult.data.length : null;
  if (anchorMean === null || anchorMean === 0) problems.push(`the anchor group "${anchor}" has no data: ratios kept unscaled`);
  const items: ExternalTrendItemV1[] = [];
  for (const result of parsed.data.results) {
    if (result.title === anchor) continue;
    const last = result.data[result.data.length - 1];
    if (!last) problems.push(`${result.title}: no data`);
    const ratio = last === undefined ? null : anchorMean ? last.ratio / anchorMean : last.ratio;
    items.push({
      position: items.length,
      term: result.title.slice(0, 255),
      traffic: null,
      trafficMin: null,
      ratio: ratio === null ? null : Math.round(ratio * 10_000) / 10_000,
      startedAt: last ? `${last.period}T00:00:00+09:00` : null,
      detail: { keywords: result.keywords, anchor, series: result.data },
    });
  }
  return { items, problems };
}
