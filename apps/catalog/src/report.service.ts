import type { CatalogReportExternalTrendsResponseV1, CatalogReportLineageResponseV1, CatalogReportLineageResponseV2, LineageColumnsV2, LineageRowV1 } from '#contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CatalogError } from './catalog.errors.js';
import { ExternalTrendItemEntity, ExternalTrendSnapshotEntity } from './entities/external-trend.entities.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { StringTable } from './report-columns.js';
import { dialectOf, sqlTime, type Dialect } from './report-views.js';

export { VIEW_MARKS } from './report-views.js';

/**
 * A reply stays under NATS's 1 MB default max payload: a page stops early past this many bytes of
 * rows (UTF-8, estimated by rowBytes; the margin covers JSON escapes).
 */
const PAGE_BYTES = 700_000;

/** A raw datetime column: mysql2 gives a Date (timezone 'Z'), SQLite the UTC text TypeORM wrote. */
function rawTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const text = String(value);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/**
 * One page of the lineage as one statement: the publication keyset joined with its edit, video,
 * story, trend, article, category, channel and its `publication_views` row (the views at each mark,
 * kept by the snapshot writer: report-views.ts); the stage at publication as a subquery answered
 * from the covering index trend_transition (trend_id, event_at, id, to_stage) alone.
 */
export function lineageSql(dialect: Dialect, withCursor: boolean): string {
  // MariaDB's DATETIME as text: mysql2 turning each into a Date was a fifth of the page's CPU.
  const text = (column: string) => (dialect === 'mysql' ? `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')` : column);
  return `SELECT p.id AS pid, p.platform AS platform, p.account AS account, ${text('p.published_at')} AS published_at, p.title AS title, p.url AS url,
  p.privacy_status AS privacy_status, p.upload_status AS upload_status, p.edit_id AS p_edit_id,
  ch.name AS channel_name, ch.external_id AS channel_external_id,
  e.id AS edit_id, e.editor AS editor, e.stand_in AS edit_stand_in,
  v.id AS video_id, v.model AS video_model, v.stand_in AS video_stand_in,
  s.id AS story_id, s.template_id AS template_id, s.template_version AS template_version, s.model AS story_model, s.stand_in AS story_stand_in,
  t.id AS trend_id, t.text AS trend_text,
  a.id AS article_id, a.title AS article_title, a.url AS article_url, c.slug AS category,
  (SELECT tt.to_stage FROM trend_transition tt WHERE tt.trend_id = s.trend_id AND tt.event_at <= p.published_at
    ORDER BY tt.event_at DESC, tt.id DESC LIMIT 1) AS stage,
  pv.views_1h AS views_1h, pv.views_24h AS views_24h, pv.views_7d AS views_7d, pv.snapshots AS snapshots,
  pv.views_latest AS views_latest, ${text('pv.latest_at')} AS latest_at, pv.metric_source AS metric_source
FROM publication p
LEFT JOIN edit e ON e.id = p.edit_id
LEFT JOIN video v ON v.id = e.video_id
LEFT JOIN story s ON s.id = v.story_id
LEFT JOIN trend t ON t.id = s.trend_id
LEFT JOIN article a ON a.id = s.article_id
LEFT JOIN category c ON c.id = a.category_id
LEFT JOIN channel ch ON ch.id = p.channel_id
LEFT JOIN publication_views pv ON pv.publication_id = p.id
WHERE p.published_at >= ? AND p.published_at < ?${withCursor ? ' AND p.published_at >= ? AND (p.published_at > ? OR p.id > ?)' : ''}
ORDER BY p.published_at ASC, p.id ASC
LIMIT ?`;
}

interface LineageSqlRow {
  pid: number | string;
  platform: string;
  account: string;
  published_at: unknown;
  title: string | null;
  url: string | null;
  privacy_status: string | null;
  upload_status: string | null;
  p_edit_id: number | string;
  channel_name: string | null;
  channel_external_id: string | null;
  edit_id: number | string | null;
  editor: string;
  edit_stand_in: unknown;
  video_id: number | string | null;
  video_model: string;
  video_stand_in: unknown;
  story_id: number | string | null;
  template_id: string | null;
  template_version: number | string | null;
  story_model: string;
  story_stand_in: unknown;
  trend_id: number | string | null;
  trend_text: string;
  article_id: number | string | null;
  article_title: string;
  article_url: string;
  category: string | null;
  stage: string | null;
  views_1h: number | string | null;
  views_24h: number | string | null;
  views_7d: number | string | null;
  snapshots: number | string | null;
  views_latest: number | string | null;
  latest_at: unknown;
  metric_source: string | null;
}

/** A row's JSON size in UTF-8 bytes, from its strings (Korean text is 3 bytes a character) plus its keys and numbers. */
function rowBytes(r: LineageRowV1): number {
  let bytes = 640;
  for (const text of [r.platform, r.channel, r.channelExternalId, r.title, r.url, r.privacyStatus, r.uploadStatus, r.trend.text, r.trend.stageAtPublication,
    r.story.title, r.story.template, r.story.model, r.article.title, r.article.url, r.article.category, r.video.model, r.edit.editor, r.metricSource]) {
    if (text) bytes += Buffer.byteLength(text) + 2;
  }
  return bytes;
}

/** UTC datetime text with at least milliseconds: MariaDB's DATE_FORMAT (microseconds) or SQLite's TypeORM text. */
const UTC_TEXT = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d{3}\d*$/;

function isoOfText(text: string): string {
  return `${text.slice(0, 10)}T${text.slice(11, 23)}Z`;
}

/**
 * A raw datetime column as the ISO form toISOString gives (milliseconds, Z). The text forms are cut
 * and pasted, not parsed into a Date and printed again: that was a sixth of the catalog's CPU per page.
 */
function isoTime(value: unknown): string {
  if (typeof value === 'string' && UTC_TEXT.test(value)) return isoOfText(value);
  return new Date(rawTime(value)).toISOString();
}

const num = (value: number | string | null): number | null => (value === null || value === undefined ? null : Number(value));

type LineageRequest = { from: string; to: string; cursor?: string; limit: number };

/** Rows are never deleted and keys are enforced, so a gap means a broken database: say which. */
function checkLineage(r: LineageSqlRow): void {
  if (r.edit_id === null || r.video_id === null || r.story_id === null || r.trend_id === null || r.article_id === null) {
    throw new CatalogError('invalid', `publication ${r.pid} has a broken lineage (edit ${r.p_edit_id}): the catalog is inconsistent`);
  }
}

function templateOf(r: LineageSqlRow): string | null {
  return r.template_id ? `${r.template_id}@v${num(r.template_version) ?? 0}` : null;
}

/**
 * A v2 row's JSON apart from its plain strings, at most: six ids of up to 10 digits, 13 indexes,
 * three flags, five counts, two times, the commas (~160 bytes in the bench, whose ids are short).
 */
const COLUMN_ROW_BYTES = 280;

function textBytes(text: string | null): number {
  return text ? Buffer.byteLength(text) + 3 : 5;
}

/**
 * The lineage report's reads: each publication with the trend, story, article, video and edit
 * behind it, its channel, and its views at fixed marks. A page is one SQL statement (see lineageSql).
 */
@Injectable()
export class ReportService {
  private readonly dialect: Dialect;

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource.options.type);
  }

  /** The page's rows as the statement gives them (at most `limit`), and whether more follow. */
  private async lineageSqlRows(request: LineageRequest): Promise<{ found: LineageSqlRow[]; more: boolean }> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (!(from < to)) throw new CatalogError('invalid', `the window is empty: from ${request.from} is not before to ${request.to}`);
    const params: unknown[] = [sqlTime(from), sqlTime(to)];
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    if (after) params.push(sqlTime(after.at), sqlTime(after.at), after.id);
    params.push(request.limit + 1);
    const found = (await this.dataSource.query(lineageSql(this.dialect, after !== undefined), params)) as LineageSqlRow[];
    const more = found.length > request.limit;
    if (more) found.length = request.limit;
    return { found, more };
  }

  async lineage(request: LineageRequest): Promise<CatalogReportLineageResponseV1> {
    const { found, more } = await this.lineageSqlRows(request);
    if (found.length === 0) return { rows: [], nextCursor: null };

    const rows: LineageRowV1[] = [];
    let bytes = 0;
    let last: LineageRowV1 | undefined;
    let cut = false;
    for (const r of found) {
      if (bytes > PAGE_BYTES) {
        cut = true;
        break;
      }
      checkLineage(r);
      const row: LineageRowV1 = {
        publicationId: Number(r.pid),
        platform: r.platform,
        channel: r.channel_name ?? r.account,
        channelExternalId: r.channel_external_id ?? null,
        publishedAt: isoTime(r.published_at),
        title: r.title ?? null,
        url: r.url ?? null,
        privacyStatus: r.privacy_status ?? null,
        uploadStatus: r.upload_status ?? null,
        trend: { id: Number(r.trend_id), text: r.trend_text, stageAtPublication: r.stage ?? null },
        story: {
          id: Number(r.story_id),
          // The story's title lives in its script file; the publication carries the title uploaded from it.
          title: r.title ?? null,
          template: templateOf(r),
          model: r.story_model,
          standIn: Boolean(Number(r.story_stand_in)),
        },
        article: { id: Number(r.article_id), title: r.article_title, url: r.article_url, category: r.category ?? null },
        video: { id: Number(r.video_id), model: r.video_model, standIn: Boolean(Number(r.video_stand_in)) },
        edit: { id: Number(r.edit_id), editor: r.editor, standIn: Boolean(Number(r.edit_stand_in)) },
        views1h: num(r.views_1h),
        views24h: num(r.views_24h),
        views7d: num(r.views_7d),
        viewsLatest: num(r.views_latest),
        latestAt: r.latest_at === null || r.latest_at === undefined ? null : isoTime(r.latest_at),
        snapshots: Number(r.snapshots ?? 0),
        metricSource: r.metric_source ?? null,
      };
      rows.push(row);
      bytes += rowBytes(row);
      last = row;
    }
    return { rows, nextCursor: (more || cut) && last ? encodeCursor({ at: new Date(last.publishedAt), id: last.publicationId }) : null };
  }

  /**
   * The same page as columns (contract v2): the statement's rows go straight into one array per
   * field, the repeated strings into the page's dictionary; no row objects are built, and the
   * reply's JSON is a few long arrays instead of 1,000 objects of nested keys.
   */
  async lineageColumns(request: LineageRequest): Promise<CatalogReportLineageResponseV2> {
    const { found, more } = await this.lineageSqlRows(request);
    const table = new StringTable();
    let rowBytes = 0;
    const ref = (text: string): number => table.ref(text);
    const refOrNull = (text: string | null | undefined): number | null => (text === null || text === undefined ? null : ref(text));
    const c: LineageColumnsV2 = {
      publicationId: [], platform: [], channel: [], channelExternalId: [], publishedAt: [], title: [], url: [], privacyStatus: [], uploadStatus: [],
      trendId: [], trendText: [], stageAtPublication: [], storyId: [], storyTemplate: [], storyModel: [], storyStandIn: [], articleId: [],
      articleTitle: [], articleUrl: [], category: [], videoId: [], videoModel: [], videoStandIn: [], editId: [], editor: [], editStandIn: [],
      views1h: [], views24h: [], views7d: [], viewsLatest: [], latestAt: [], snapshots: [], metricSource: [],
    };
    let count = 0;
    let cut = false;
    for (const r of found) {
      if (table.bytes + rowBytes > PAGE_BYTES) {
        cut = true;
        break;
      }
      checkLineage(r);
      const title = r.title ?? null;
      const url = r.url ?? null;
      const publishedAt = isoTime(r.published_at);
      const latestAt = r.latest_at === null || r.latest_at === undefined ? null : isoTime(r.latest_at);
      c.publicationId.push(Number(r.pid));
      c.platform.push(ref(r.platform));
      c.channel.push(ref(r.channel_name ?? r.account));
      c.channelExternalId.push(refOrNull(r.channel_external_id));
      c.publishedAt.push(publishedAt);
      c.title.push(title);
      c.url.push(url);
      c.privacyStatus.push(refOrNull(r.privacy_status));
      c.uploadStatus.push(refOrNull(r.upload_status));
      c.trendId.push(Number(r.trend_id));
      c.trendText.push(ref(r.trend_text));
      c.stageAtPublication.push(refOrNull(r.stage));
      c.storyId.push(Number(r.story_id));
      c.storyTemplate.push(refOrNull(templateOf(r)));
      c.storyModel.push(ref(r.story_model));
      c.storyStandIn.push(Boolean(Number(r.story_stand_in)));
      c.articleId.push(Number(r.article_id));
      c.articleTitle.push(r.article_title);
      c.articleUrl.push(r.article_url);
      c.category.push(refOrNull(r.category));
      c.videoId.push(Number(r.video_id));
      c.videoModel.push(ref(r.video_model));
      c.videoStandIn.push(Boolean(Number(r.video_stand_in)));
      c.editId.push(Number(r.edit_id));
      c.editor.push(ref(r.editor));
      c.editStandIn.push(Boolean(Number(r.edit_stand_in)));
      c.views1h.push(num(r.views_1h));
      c.views24h.push(num(r.views_24h));
      c.views7d.push(num(r.views_7d));
      c.viewsLatest.push(num(r.views_latest));
      c.latestAt.push(latestAt);
      c.snapshots.push(Number(r.snapshots ?? 0));
      c.metricSource.push(refOrNull(r.metric_source));
      count += 1;
      // The numbers, flags, indexes and times of a row as JSON, plus its strings sent as they are.
      rowBytes += COLUMN_ROW_BYTES + textBytes(title) + textBytes(url) + textBytes(r.article_title) + textBytes(r.article_url);
    }
    const last = count - 1;
    const nextCursor = (more || cut) && count > 0 ? encodeCursor({ at: new Date(c.publishedAt[last]!), id: c.publicationId[last]! }) : null;
    return { count, strings: table.strings, columns: c, nextCursor };
  }

  /** The top external trend terms of each UTC day in the window, from the successful trendwatch snapshots. */
  async externalTrends(request: { from: string; to: string; perDay: number }): Promise<CatalogReportExternalTrendsResponseV1> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (!(from < to)) throw new CatalogError('invalid', `the window is empty: from ${request.from} is not before to ${request.to}`);
    const snapshots = await this.dataSource
      .getRepository(ExternalTrendSnapshotEntity)
      .createQueryBuilder('s')
      .where('s.fetchedAt >= :from AND s.fetchedAt < :to AND s.status = :ok', { from, to, ok: 'ok' })
      .getMany();
    const byDay = new Map<string, Map<string, { term: string; sources: Set<string>; snapshots: number; bestPosition: number; standIn: boolean }>>();
    const snapshotById = new Map(snapshots.map((s) => [s.id, s]));
    const ids = [...snapshotById.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const items = await this.dataSource.getRepository(ExternalTrendItemEntity).find({
        select: { id: true, snapshotId: true, term: true, position: true },
        where: { snapshotId: In(ids.slice(i, i + 500)) },
      });
      for (const item of items) {
        const snapshot = snapshotById.get(item.snapshotId)!;
        const day = snapshot.fetchedAt.toISOString().slice(0, 10);
        const terms = byDay.get(day) ?? new Map();
        byDay.set(day, terms);
        const key = item.term.trim().toLowerCase();
        const entry = terms.get(key) ?? { term: item.term.trim(), sources: new Set<string>(), snapshots: 0, bestPosition: item.position, standIn: false };
        entry.sources.add(snapshot.source);
        entry.snapshots += 1;
        entry.bestPosition = Math.min(entry.bestPosition, item.position);
        entry.standIn ||= Boolean(snapshot.standIn);
        terms.set(key, entry);
      }
    }
    const days = [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, terms]) => ({
        day,
        terms: [...terms.values()]
          .sort((a, b) => b.snapshots - a.snapshots || a.bestPosition - b.bestPosition || a.term.localeCompare(b.term))
          .slice(0, request.perDay)
          .map((t) => ({ term: t.term, sources: [...t.sources].sort(), snapshots: t.snapshots, bestPosition: t.bestPosition, standIn: t.standIn })),
      }));
    return { days };
  }
}
