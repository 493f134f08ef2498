import type { CatalogReportExternalTrendsResponseV1, CatalogReportLineageResponseV1, LineageRowV1 } from '#contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CatalogError } from './catalog.errors.js';
import { ArticleEntity } from './entities/article.entity.js';
import { CategoryEntity } from './entities/category.entity.js';
import { ChannelEntity } from './entities/channel.entity.js';
import { EditEntity } from './entities/edit.entity.js';
import { ExternalTrendItemEntity, ExternalTrendSnapshotEntity } from './entities/external-trend.entities.js';
import { MetricSnapshotEntity } from './entities/metric-snapshot.entity.js';
import { PublicationEntity } from './entities/publication.entity.js';
import { StoryEntity } from './entities/story.entity.js';
import { TrendTransitionEntity } from './entities/trend-cluster.entities.js';
import { TrendEntity } from './entities/trend.entity.js';
import { VideoEntity } from './entities/video.entity.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';

const HOUR = 3_600_000;
/** The marks after publication whose views the report shows. */
export const VIEW_MARKS = { views1h: HOUR, views24h: 24 * HOUR, views7d: 7 * 24 * HOUR } as const;

/** A reply stays under NATS's 1 MB default max payload: a page stops early past this many bytes of rows. */
const PAGE_BYTES = 700_000;

/** A raw datetime column: mysql2 gives a Date (timezone 'Z'), SQLite the UTC text TypeORM wrote. */
function rawTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const text = String(value);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** Map of id → row for a batch lookup by ids (an empty list asks nothing). */
async function byId<T extends { id: number }>(dataSource: DataSource, entity: new () => T, ids: Iterable<number>): Promise<Map<number, T>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await dataSource.getRepository(entity).findBy({ id: In(unique) } as never);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The lineage report's reads: each publication with the trend, story, article, video and edit
 * behind it, its channel, and its views at fixed marks. A page costs one keyset query on
 * publication plus one batched lookup per table, whatever its size.
 */
@Injectable()
export class ReportService {
  constructor(private readonly dataSource: DataSource) {}

  async lineage(request: { from: string; to: string; cursor?: string; limit: number }): Promise<CatalogReportLineageResponseV1> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (!(from < to)) throw new CatalogError('invalid', `the window is empty: from ${request.from} is not before to ${request.to}`);
    const qb = this.dataSource
      .getRepository(PublicationEntity)
      .createQueryBuilder('p')
      .where('p.publishedAt >= :from AND p.publishedAt < :to', { from, to });
    if (request.cursor) {
      const after = decodeCursor(request.cursor);
      qb.andWhere('(p.publishedAt > :at OR (p.publishedAt = :at AND p.id > :id))', { at: after.at, id: after.id });
    }
    const publications = await qb.orderBy('p.publishedAt', 'ASC').addOrderBy('p.id', 'ASC').take(request.limit + 1).getMany();
    const more = publications.length > request.limit;
    if (more) publications.length = request.limit;
    if (publications.length === 0) return { rows: [], nextCursor: null };

    const ds = this.dataSource;
    const edits = await byId(ds, EditEntity, publications.map((p) => p.editId));
    const videos = await byId(ds, VideoEntity, [...edits.values()].map((e) => e.videoId));
    const stories = await byId(ds, StoryEntity, [...videos.values()].map((v) => v.storyId));
    const trends = await byId(ds, TrendEntity, [...stories.values()].map((s) => s.trendId));
    const articles = await byId(ds, ArticleEntity, [...stories.values()].map((s) => s.articleId));
    const categories = await byId(ds, CategoryEntity, [...articles.values()].map((a) => a.categoryId));
    const channels = await byId(ds, ChannelEntity, publications.flatMap((p) => (p.channelId ? [p.channelId] : [])));
    const stages = await this.transitionsOf([...trends.keys()]);
    const snapshots = await this.snapshotsOf(publications.map((p) => p.id));

    const rows: LineageRowV1[] = [];
    let bytes = 0;
    let lastIncluded = publications[0]!;
    let cut = false;
    for (const p of publications) {
      if (bytes > PAGE_BYTES) {
        cut = true;
        break;
      }
      const edit = edits.get(p.editId);
      const video = edit && videos.get(edit.videoId);
      const story = video && stories.get(video.storyId);
      const trend = story && trends.get(story.trendId);
      const article = story && articles.get(story.articleId);
      // Rows are never deleted and keys are enforced, so a gap means a broken database: say which.
      if (!edit || !video || !story || !trend || !article) {
        throw new CatalogError('invalid', `publication ${p.id} has a broken lineage (edit ${p.editId}): the catalog is inconsistent`);
      }
      const published = p.publishedAt.getTime();
      const stage = (stages.get(trend.id) ?? []).filter((t) => t.at <= published).at(-1)?.stage ?? null;
      const series = snapshots.get(p.id) ?? [];
      const at = (offset: number) => series.find((s) => s.at >= published + offset)?.views ?? null;
      const latest = series.at(-1);
      const channel = p.channelId ? channels.get(p.channelId) : undefined;
      rows.push({
        publicationId: p.id,
        platform: p.platform,
        channel: channel?.name ?? p.account,
        channelExternalId: channel?.externalId ?? null,
        publishedAt: p.publishedAt.toISOString(),
        title: p.title ?? null,
        url: p.url,
        privacyStatus: p.privacyStatus ?? null,
        uploadStatus: p.uploadStatus ?? null,
        trend: { id: trend.id, text: trend.text, stageAtPublication: stage },
        story: {
          id: story.id,
          // The story's title lives in its script file; the publication carries the title uploaded from it.
          title: p.title ?? null,
          template: story.templateId ? `${story.templateId}@v${story.templateVersion ?? 0}` : null,
          model: story.model,
          standIn: Boolean(story.standIn),
        },
        article: { id: article.id, title: article.title, url: article.url, category: categories.get(article.categoryId)?.slug ?? null },
        video: { id: video.id, model: video.model, standIn: Boolean(video.standIn) },
        edit: { id: edit.id, editor: edit.editor, standIn: Boolean(edit.standIn) },
        views1h: at(VIEW_MARKS.views1h),
        views24h: at(VIEW_MARKS.views24h),
        views7d: at(VIEW_MARKS.views7d),
        viewsLatest: latest?.views ?? null,
        latestAt: latest ? new Date(latest.at).toISOString() : null,
        snapshots: series.length,
        metricSource: latest?.source ?? null,
      });
      bytes += JSON.stringify(rows.at(-1)).length;
      lastIncluded = p;
    }
    return { rows, nextCursor: more || cut ? encodeCursor({ at: lastIncluded.publishedAt, id: lastIncluded.id }) : null };
  }

  /** Lifecycle transitions per trend id, oldest first. */
  private async transitionsOf(trendIds: number[]): Promise<Map<number, { at: number; stage: string }[]>> {
    const out = new Map<number, { at: number; stage: string }[]>();
    if (trendIds.length === 0) return out;
    const rows = await this.dataSource.getRepository(TrendTransitionEntity).find({
      select: { trendId: true, toStage: true, eventAt: true, id: true },
      where: { trendId: In(trendIds) },
      order: { eventAt: 'ASC', id: 'ASC' },
    });
    for (const r of rows) {
      if (r.trendId === null) continue;
      const list = out.get(r.trendId) ?? [];
      list.push({ at: r.eventAt.getTime(), stage: r.toStage });
      out.set(r.trendId, list);
    }
    return out;
  }

  /** Snapshots per publication, oldest capture first (the index (publication_id, captured_at) serves it). */
  private async snapshotsOf(publicationIds: number[]): Promise<Map<number, { at: number; views: number; source: string | null }[]>> {
    const out = new Map<number, { at: number; views: number; source: string | null }[]>();
    // Raw columns, not entities: a page reads ~30 snapshots per publication and hydration dominated.
    const rows = (await this.dataSource
      .getRepository(MetricSnapshotEntity)
      .createQueryBuilder('s')
      .select('s.publication_id', 'pid')
      .addSelect('s.captured_at', 'at')
      .addSelect('s.views', 'views')
      .addSelect('s.source', 'source')
      .where('s.publication_id IN (:...ids)', { ids: publicationIds })
      .orderBy('s.publication_id', 'ASC')
      .addOrderBy('s.captured_at', 'ASC')
      .getRawMany()) as { pid: number | string; at: unknown; views: number | string; source: string | null }[];
    for (const r of rows) {
      const pid = Number(r.pid);
      const list = out.get(pid) ?? [];
      list.push({ at: rawTime(r.at), views: Number(r.views), source: r.source ?? null });
      out.set(pid, list);
    }
    return out;
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
