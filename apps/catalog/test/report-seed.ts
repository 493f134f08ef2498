import type { DataSource } from 'typeorm';
import { ArticleEntity } from '../src/entities/article.entity.js';
import { CategoryEntity } from '../src/entities/category.entity.js';
import { ChannelEntity } from '../src/entities/channel.entity.js';
import { EditEntity } from '../src/entities/edit.entity.js';
import { ExternalTrendItemEntity, ExternalTrendSnapshotEntity } from '../src/entities/external-trend.entities.js';
import { MetricSnapshotEntity } from '../src/entities/metric-snapshot.entity.js';
import { PublicationEntity } from '../src/entities/publication.entity.js';
import { StoryEntity } from '../src/entities/story.entity.js';
import { TrendClusterEntity, TrendTransitionEntity } from '../src/entities/trend-cluster.entities.js';
import { TrendEntity } from '../src/entities/trend.entity.js';
import { VideoEntity } from '../src/entities/video.entity.js';
import { dialectOf, refreshPublicationViews } from '../src/report-views.js';

const HOUR = 3_600_000;
/** Snapshot offsets after publication: hourly for two days, then daily (as the metrics stage schedules them). */
export function snapshotOffsets(count: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= 48 && out.length < count; h += h < 2 ? 1 : 23) out.push(h * HOUR); // 1 h, 2 h, 25 h, 48 h
  for (let d = 3; out.length < count; d++) out.push(d * 24 * HOUR); // then daily
  return out;
}

export interface SeedOptions {
  publications: number;
  snapshotsPer: number;
  /** Publications are spread evenly over [start, start + days). */
  start: Date;
  days: number;
  /** Rows per multi-row INSERT (SQLite allows ~32k bound values). */
  batch?: number;
  /** The metrics' "now": snapshots after it are not written. */
  now?: Date;
}

export interface SeedResult {
  publicationIds: number[];
  /** Views of publication i at offset t (deterministic). */
  viewsAt: (i: number, offsetMs: number) => number;
}

async function insertAll<T>(ds: DataSource, entity: new () => T, rows: Partial<T>[], batch: number): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    await ds.getRepository(entity).createQueryBuilder().insert().values(rows.slice(i, i + batch) as never).updateEntity(false).execute();
  }
}

/**
 * Fills a catalog with full lineages written straight into its tables (a catalog test may open the
 * database; nothing else does): article → trend (+ cluster transitions) → story → video → edit →
 * publication on one of three channels → snapshots. Ids are assigned in insertion order.
 */
export async function seedLineage(ds: DataSource, o: SeedOptions): Promise<SeedResult> {
  const batch = o.batch ?? 500;
  const now = new Date();
  const metricsNow = o.now ?? new Date(8.64e15);
  const categories = await ds.getRepository(CategoryEntity).find({ order: { id: 'ASC' } });
  const slugs = ['economy', 'life', 'gossip', 'sports'];
  const categoryIds = slugs.map((s) => categories.find((c) => c.slug === s)?.id ?? categories[0]!.id);
  const channelRepo = ds.getRepository(ChannelEntity);
  const channelNames = ['main-ko', 'life-ko', 'sports-ko'];
  for (const [i, name] of channelNames.entries()) {
    await channelRepo.insert({ platform: 'youtube', name, externalId: `UCfake${i}`, status: 'active', pausedUntil: null, reason: null, createdAt: now, updatedAt: now });
  }
  const channels = await channelRepo.find({ order: { id: 'ASC' } });
  const span = o.days * 24 * HOUR;
  const publishedAt = (i: number) => new Date(o.start.getTime() + Math.floor((i * span) / o.publications));
  // Views grow like a saturating curve; the category and channel tilt the size so aggregates differ.
  const scale = (i: number) => 100 + ((i * 7919) % 1000) * (1 + (i % 4)) + (i % 3 === 1 ? 2000 : 0);
  const viewsAt = (i: number, t: number) => Math.floor(scale(i) * (1 - Math.exp(-t / (30 * HOUR))));
  const stages = ['emerging', 'peaking', 'fading'];

  const base = await ds.query('SELECT COUNT(*) AS n FROM publication');
  if (Number((base as { n: number }[])[0]!.n) !== 0) throw new Error('seedLineage expects an empty catalog');

  for (let from = 0; from < o.publications; from += batch) {
    const n = Math.min(batch, o.publications - from);
    const idx = Array.from({ length: n }, (_, k) => from + k);
    const id = (i: number) => i + 1; // ids in insertion order, in an empty catalog
    await insertAll(ds, ArticleEntity, idx.map((i) => ({
      sourceId: null, categoryId: categoryIds[i % 4]!, url: `https://news.example.kr/a/${i}`, urlHash: `u${String(i).padStart(63, '0')}`,
      title: `Article ${i}`, summary: null, keyFacts: [], lang: 'ko', publishedAt: publishedAt(i), scrapedAt: publishedAt(i), textKey: null,
      textBytes: null, textSha256: null, contentHash: `c${i}`, createdAt: now,
    })), batch);
    await insertAll(ds, TrendEntity, idx.map((i) => ({
      trendHash: `t${String(i).padStart(63, '0')}`, text: `trend ${i} ${slugs[i % 4]}`, categoryId: categoryIds[i % 4]!,
      windowStart: new Date(publishedAt(i).getTime() - 6 * HOUR), windowEnd: publishedAt(i), score: 1, detector: 'seed', createdAt: now,
    })), batch);
    await insertAll(ds, TrendClusterEntity, idx.map((i) => ({
      space: 'seed', dim: 1, vectorSum: '[]', memberCount: 1, mediaMemberCount: 0, categoryId: categoryIds[i % 4]!, firstSeenAt: publishedAt(i),
      lastSeenAt: publishedAt(i), stage: stages[i % 3]!, stageAt: publishedAt(i), trendId: id(i), representativeArticleId: id(i),
      representativeScore: 1, terms: '[]', mergedInto: null, seq: i, createdAt: now, updatedAt: now,
    })), batch);
    // Transitions: new→emerging before publication, →peaking before it for i%3>0, →fading after it (must not count).
    const transitions = idx.flatMap((i) => {
      const p = publishedAt(i).getTime();
      const t = (to: string, fromStage: string, at: number) => ({
        clusterId: id(i), trendId: id(i), fromStage, toStage: to, binStart: new Date(at), eventAt: new Date(at), score: 1, growth: 1,
        windowStart: new Date(at - HOUR), windowEnd: new Date(at), text: `trend ${i}`, eventId: null, publishedAt: null, createdAt: now,
      });
      const list = [t('emerging', 'new', p - 3 * HOUR)];
      if (i % 3 > 0) list.push(t('peaking', 'emerging', p - HOUR));
      list.push(t('fading', i % 3 > 0 ? 'peaking' : 'emerging', p + 5 * HOUR));
      return list;
    });
    await insertAll(ds, TrendTransitionEntity, transitions, batch);
    await insertAll(ds, StoryEntity, idx.map((i) => ({
      trendId: id(i), articleId: id(i), model: i % 2 ? 'qwen3-8b' : 'story-standin', standIn: i % 2 === 0, variant: 0, textKey: `stories/${i}.json`,
      promptKey: null, templateId: i % 2 ? 'news-shorts' : null, templateVersion: i % 2 ? 2 : null, articleReason: null, promptTokens: null,
      completionTokens: null, latencyMs: null, finishReason: null, repairs: null, createdAt: now,
    })), batch);
    await insertAll(ds, VideoEntity, idx.map((i) => ({
      storyId: id(i), model: 'slideshow-standin', standIn: true, variant: 0, fileKey: `videos/${i}.mp4`, durationS: 30, hasAudio: true,
      narrationSource: null, width: 1080, height: 1920, fps: 30, generatedAt: publishedAt(i), createdAt: now,
    })), batch);
    await insertAll(ds, EditEntity, idx.map((i) => ({
      videoId: id(i), editor: 'ffmpeg-standin', standIn: true, platformProfile: 'youtube-shorts', fileKey: `edits/${i}.mp4`, durationS: 30,
      editedAt: publishedAt(i), createdAt: now, thumbnailKey: null, planner: null, planJson: null, qaJson: null, lufs: null, truePeakDb: null, avDriftMs: null,
    })), batch);
    await insertAll(ds, PublicationEntity, idx.map((i) => {
      const channel = channels[i % 3]!;
      return {
        editId: id(i), platform: 'youtube', account: channel.name, externalId: `vid${i}`, url: `https://youtube.example/watch?v=vid${i}`,
        publishedAt: publishedAt(i), createdAt: now, channelId: channel.id, title: `Story ${i}`, privacyStatus: 'private', uploadStatus: 'processed',
        rejectionReason: null, statusCheckedAt: null,
      };
    }), batch);
    const offsets = snapshotOffsets(o.snapshotsPer);
    const snapshots = idx.flatMap((i) =>
      offsets
        .filter((t) => publishedAt(i).getTime() + t <= metricsNow.getTime())
        .map((t) => {
          const at = new Date(publishedAt(i).getTime() + t);
          return { publicationId: id(i), views: viewsAt(i, t), likes: 0, comments: 0, capturedAt: at, createdAt: now, slotAt: at, source: 'youtube.videos.list' };
        }),
    );
    await insertAll(ds, MetricSnapshotEntity, snapshots, batch * 2);
    // What the catalog's snapshot writer keeps for the report (the seed writes the tables directly).
    await refreshPublicationViews(ds, dialectOf(ds.options.type), idx.map(id));
  }

  // External trends: one Google snapshot per day, three terms; "shared" every day, "hot-<d%2>" alternating.
  for (let d = 0; d < o.days; d++) {
    const fetchedAt = new Date(o.start.getTime() + d * 24 * HOUR + 2 * HOUR);
    await ds.getRepository(ExternalTrendSnapshotEntity).insert({ source: 'google-trends', region: 'KR', fetchedAt, status: 'ok', error: null, itemCount: 3, standIn: true, createdAt: now });
    const snapshot = await ds.getRepository(ExternalTrendSnapshotEntity).findOneByOrFail({ source: 'google-trends', region: 'KR', fetchedAt });
    const terms = ['shared', `hot-${d % 2}`, `day-${d}`];
    await insertAll(ds, ExternalTrendItemEntity, terms.map((term, position) => ({
      snapshotId: snapshot.id, position, term, traffic: null, trafficMin: null, ratio: null, startedAt: null, detail: null,
    })), batch);
  }
  return { publicationIds: Array.from({ length: o.publications }, (_, i) => i + 1), viewsAt };
}
