import { z } from 'zod';
import { defineRequest, type RequestOf, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

const isoTime = z.iso.datetime({ offset: true });

/**
 * A column's check: every value passes `ok`, in one plain loop. A page of 1,000 rows × 30 columns
 * checked element by element through zod was a tenth of the report tool's CPU; the reply is the
 * catalog's, so the shape and the types are what is worth checking, not a schema per value.
 */
function column<T>(name: string, ok: (value: unknown) => boolean) {
  return z.custom<T[]>((value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!ok(value[i])) return false;
    return true;
  }, `an array of ${name}`);
}

const isId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isString = (v: unknown) => typeof v === 'string';
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const isTime = (v: unknown) => typeof v === 'string' && TIME.test(v);

const ids = column<number>('positive integers', isId);
const counts = column<number>('non-negative integers', isCount);
const countsOrNull = column<number | null>('non-negative integers or nulls', (v) => v === null || isCount(v));
const strings = column<string>('strings', isString);
const stringsOrNull = column<string | null>('strings or nulls', (v) => v === null || isString(v));
const times = column<string>('ISO 8601 times with their offset', isTime);
const timesOrNull = column<string | null>('ISO 8601 times or nulls', (v) => v === null || isTime(v));
const flags = column<boolean>('booleans', (v) => typeof v === 'boolean');
/** Indexes into the page's `strings` (checked against its length by the reply's refinement). */
const refs = column<number>('indexes into strings', isCount);
const refsOrNull = column<number | null>('indexes into strings or nulls', (v) => v === null || isCount(v));

/**
 * One page of the lineage as columns: the same fields as a LineageRowV1 (report.v1.ts), each an
 * array with one value per row. Columns named in LINEAGE_V2_REFS hold indexes into the page's
 * `strings`: channels, platforms, models, categories, stages and trend texts repeat across rows
 * and go over the wire once a page. `title` is also the story's title (v1's `story.title`).
 */
export const LineageColumnsV2 = z.object({
  publicationId: ids,
  platform: refs,
  channel: refs,
  channelExternalId: refsOrNull,
  publishedAt: times,
  title: stringsOrNull,
  url: stringsOrNull,
  privacyStatus: refsOrNull,
  uploadStatus: refsOrNull,
  trendId: ids,
  trendText: refs,
  stageAtPublication: refsOrNull,
  storyId: ids,
  storyTemplate: refsOrNull,
  storyModel: refs,
  storyStandIn: flags,
  articleId: ids,
  articleTitle: strings,
  articleUrl: strings,
  category: refsOrNull,
  videoId: ids,
  videoModel: refs,
  videoStandIn: flags,
  editId: ids,
  editor: refs,
  editStandIn: flags,
  views1h: countsOrNull,
  views24h: countsOrNull,
  views7d: countsOrNull,
  viewsLatest: countsOrNull,
  latestAt: timesOrNull,
  snapshots: counts,
  metricSource: refsOrNull,
});
export type LineageColumnsV2 = z.infer<typeof LineageColumnsV2>;

/** The columns whose values are indexes into the page's `strings`. */
export const LINEAGE_V2_REFS = [
  'platform', 'channel', 'channelExternalId', 'privacyStatus', 'uploadStatus', 'trendText', 'stageAtPublication', 'storyTemplate',
  'storyModel', 'category', 'videoModel', 'editor', 'metricSource',
] as const satisfies readonly (keyof LineageColumnsV2)[];

const LineagePageV2 = z
  .object({
    /** Rows in this page: the length of every column. */
    count: z.number().int().nonnegative(),
    /** Each repeated string of the page once; the LINEAGE_V2_REFS columns point into it. */
    strings: strings,
    columns: LineageColumnsV2,
    nextCursor: z.string().nullable(),
  })
  .superRefine((page, ctx) => {
    for (const [name, values] of Object.entries(page.columns) as [string, unknown[]][]) {
      if (values.length !== page.count) ctx.addIssue({ code: 'custom', path: ['columns', name], message: `${values.length} values for ${page.count} rows` });
    }
    const size = page.strings.length;
    for (const name of LINEAGE_V2_REFS) {
      const values = page.columns[name] as (number | null)[];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== null && v !== undefined && v >= size) {
          ctx.addIssue({ code: 'custom', path: ['columns', name, i], message: `index ${v} past the ${size} strings of the page` });
          break;
        }
      }
    }
  });
export type LineagePageV2 = z.infer<typeof LineagePageV2>;

/**
 * `catalog.report.lineage.v1` with a compact reply: the same rows, in the same order and with the
 * same cursor, as columns (numbers as numbers, repeated strings once a page). A page of v1 rows
 * spent most of the report's CPU in JSON encoding, parsing and per-row validation.
 */
export const CatalogReportLineageV2 = defineRequest(
  Requests.CatalogReportLineageV2,
  z.object({
    from: isoTime,
    to: isoTime,
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(2000).default(1000),
  }),
  LineagePageV2,
);
export type CatalogReportLineageRequestV2 = RequestOf<typeof CatalogReportLineageV2>;
export type CatalogReportLineageResponseV2 = ResponseOf<typeof CatalogReportLineageV2>;
