import type { LineageRowV1 } from '#contracts';
import type { LineageColumnsV2, LineagePageV2 } from '#contracts/requests/catalog/report.v2';

/** A page of the lineage as columns (contract v2) without its cursor: what the tool's writers and aggregates read. */
export type LineageColumnsPage = Pick<LineagePageV2, 'count' | 'strings' | 'columns'>;

/**
 * Row `i` of a page as a LineageRowV1 object (the same fields, in v1's order, so the JSON output
 * is unchanged), each string looked up in the page's dictionary.
 */
export function rowOf(page: LineageColumnsPage, i: number): LineageRowV1 {
  const s = page.strings;
  const c = page.columns;
  const textOrNull = (ref: number | null) => (ref === null ? null : s[ref]!);
  const title = c.title[i]!;
  return {
    publicationId: c.publicationId[i]!,
    platform: s[c.platform[i]!]!,
    channel: s[c.channel[i]!]!,
    channelExternalId: textOrNull(c.channelExternalId[i]!),
    publishedAt: c.publishedAt[i]!,
    title,
    url: c.url[i]!,
    privacyStatus: textOrNull(c.privacyStatus[i]!),
    uploadStatus: textOrNull(c.uploadStatus[i]!),
    trend: { id: c.trendId[i]!, text: s[c.trendText[i]!]!, stageAtPublication: textOrNull(c.stageAtPublication[i]!) },
    story: { id: c.storyId[i]!, title, template: textOrNull(c.storyTemplate[i]!), model: s[c.storyModel[i]!]!, standIn: c.storyStandIn[i]! },
    article: { id: c.articleId[i]!, title: c.articleTitle[i]!, url: c.articleUrl[i]!, category: textOrNull(c.category[i]!) },
    video: { id: c.videoId[i]!, model: s[c.videoModel[i]!]!, standIn: c.videoStandIn[i]! },
    edit: { id: c.editId[i]!, editor: s[c.editor[i]!]!, standIn: c.editStandIn[i]! },
    views1h: c.views1h[i]!,
    views24h: c.views24h[i]!,
    views7d: c.views7d[i]!,
    viewsLatest: c.viewsLatest[i]!,
    latestAt: c.latestAt[i]!,
    snapshots: c.snapshots[i]!,
    metricSource: textOrNull(c.metricSource[i]!),
  };
}

/** Every row of a page as objects (JSON output, rows kept in memory); the CSV and the sums read the columns. */
export function rowsOfPage(page: LineageColumnsPage): LineageRowV1[] {
  const rows: LineageRowV1[] = new Array(page.count);
  for (let i = 0; i < page.count; i++) rows[i] = rowOf(page, i);
  return rows;
}

/** A page's repeated strings, each sent once: `ref` gives its index; `bytes` is their JSON size, about. */
export class StringTable {
  readonly strings: string[] = [];
  bytes = 0;
  private readonly index = new Map<string, number>();

  ref(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(text);
      this.index.set(text, i);
      this.bytes += Buffer.byteLength(text) + 3;
    }
    return i;
  }
}

/** Rows as one page of columns (tests, rows kept in memory): the inverse of rowsOfPage. */
export function pageOfRows(rows: readonly LineageRowV1[]): LineageColumnsPage {
  const table = new StringTable();
  const ref = (text: string): number => table.ref(text);
  const refOrNull = (text: string | null) => (text === null ? null : ref(text));
  const columns: LineageColumnsV2 = {
    publicationId: rows.map((r) => r.publicationId),
    platform: rows.map((r) => ref(r.platform)),
    channel: rows.map((r) => ref(r.channel)),
    channelExternalId: rows.map((r) => refOrNull(r.channelExternalId)),
    publishedAt: rows.map((r) => r.publishedAt),
    title: rows.map((r) => r.title),
    url: rows.map((r) => r.url),
    privacyStatus: rows.map((r) => refOrNull(r.privacyStatus)),
    uploadStatus: rows.map((r) => refOrNull(r.uploadStatus)),
    trendId: rows.map((r) => r.trend.id),
    trendText: rows.map((r) => ref(r.trend.text)),
    stageAtPublication: rows.map((r) => refOrNull(r.trend.stageAtPublication)),
    storyId: rows.map((r) => r.story.id),
    storyTemplate: rows.map((r) => refOrNull(r.story.template)),
    storyModel: rows.map((r) => ref(r.story.model)),
    storyStandIn: rows.map((r) => r.story.standIn),
    articleId: rows.map((r) => r.article.id),
    articleTitle: rows.map((r) => r.article.title),
    articleUrl: rows.map((r) => r.article.url),
    category: rows.map((r) => refOrNull(r.article.category)),
    videoId: rows.map((r) => r.video.id),
    videoModel: rows.map((r) => ref(r.video.model)),
    videoStandIn: rows.map((r) => r.video.standIn),
    editId: rows.map((r) => r.edit.id),
    editor: rows.map((r) => ref(r.edit.editor)),
    editStandIn: rows.map((r) => r.edit.standIn),
    views1h: rows.map((r) => r.views1h),
    views24h: rows.map((r) => r.views24h),
    views7d: rows.map((r) => r.views7d),
    viewsLatest: rows.map((r) => r.viewsLatest),
    latestAt: rows.map((r) => r.latestAt),
    snapshots: rows.map((r) => r.snapshots),
    metricSource: rows.map((r) => refOrNull(r.metricSource)),
  };
  return { count: rows.length, strings: table.strings, columns };
}
