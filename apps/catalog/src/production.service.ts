import { APP_LOGGER } from '#messaging';
import type {
  CatalogEditCreateRequestV1,
  CatalogEditCreateResponseV1,
  CatalogMetricAddRequestV1,
  CatalogMetricAddResponseV1,
  CatalogPublicationGetResponseV1,
  CatalogPublicationListRequestV1,
  CatalogPublicationListResponseV1,
  CatalogPublicationRecordRequestV1,
  PublicationV1,
  CatalogPublicationRecordResponseV1,
  CatalogStoryCreateRequestV1,
  CatalogStoryCreateResponseV1,
  CatalogStoryCountRequestV1,
  CatalogStoryCountResponseV1,
  CatalogStoryFindRequestV1,
  CatalogStoryFindResponseV1,
  CatalogTrendCreateRequestV1,
  CatalogTrendCreateResponseV1,
  CatalogVideoCreateRequestV1,
  CatalogVideoCreateResponseV1,
} from '#contracts';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { CatalogError, notFound } from './catalog.errors.js';
import { CatalogService } from './catalog.service.js';

import { sha256Hex } from './canonical-url.js';
import type { PublicationEntity } from './entities/publication.entity.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { CategoryRepository } from './repositories/category.repository.js';
import { insertOnce } from './database/insert-once.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { EditRepository } from './repositories/edit.repository.js';
import { FileRegistryRepository } from './repositories/file-registry.repository.js';
import { PublicationRepository } from './repositories/publication.repository.js';
import { StoryRepository } from './repositories/story.repository.js';
import { TrendRepository } from './repositories/trend.repository.js';
import { VideoRepository } from './repositories/video.repository.js';

/**
 * The chain trend -> story -> video -> edit -> publication -> metrics. Every create is idempotent
 * on its natural key, so a redelivered pipeline event never makes a second row.
 */
@Injectable()
export class ProductionService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly articles: ArticleRepository,
    private readonly trends: TrendRepository,
    private readonly stories: StoryRepository,
    private readonly videos: VideoRepository,
    private readonly edits: EditRepository,
    private readonly publications: PublicationRepository,
    private readonly files: FileRegistryRepository,
    private readonly categories: CategoryRepository,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
  ) {}

  async createTrend(request: CatalogTrendCreateRequestV1): Promise<CatalogTrendCreateResponseV1> {
    const windowStart = new Date(request.windowStart);
    const windowEnd = new Date(request.windowEnd);
    if (windowStart > windowEnd) throw new CatalogError('invalid', `trend window starts (${request.windowStart}) after it ends (${request.windowEnd})`);
    const missing = await this.trends.missingArticles([...new Set(request.articleIds)]);
    if (missing.length > 0) throw notFound(`article ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`);
    const categoryId = request.category ? (await this.catalog.resolveCategory(request.category)).id : null;
    const trendHash = sha256Hex([request.detector, windowStart.toISOString(), windowEnd.toISOString(), request.text].join('\n'));
    const { row, created } = await insertOnce(
      () => this.trends.byHash(trendHash),
      () =>
        this.trends.insert({
          trendHash,
          text: request.text,
          categoryId,
          windowStart,
          windowEnd,
          score: request.score,
          detector: request.detector,
          createdAt: new Date(),
        }),
    );
    await this.trends.link(row.id, request.articleIds);
    return { trendId: row.id, created };
  }

  async createStory(request: CatalogStoryCreateRequestV1): Promise<CatalogStoryCreateResponseV1> {
    if (!(await this.trends.byId(request.trendId))) throw notFound(`trend ${request.trendId}`);
    if (!(await this.articles.byId(request.articleId))) throw notFound(`article ${request.articleId}`);
    const key = { trendId: request.trendId, articleId: request.articleId, model: request.model, variant: request.variant };
    const { row, created } = await insertOnce(
      () => this.stories.byNaturalKey(key),
      () =>
        this.stories.insert({
          ...key,
          standIn: request.standIn,
          textKey: request.textKey,
          promptKey: request.promptKey ?? null,
          templateId: request.templateId ?? null,
          templateVersion: request.templateVersion ?? null,
          articleReason: request.articleReason ?? null,
          promptTokens: request.promptTokens ?? null,
          completionTokens: request.completionTokens ?? null,
          latencyMs: request.latencyMs ?? null,
          finishReason: request.finishReason ?? null,
          repairs: request.repairs ?? null,
          createdAt: new Date(),
        }),
    );
    return { storyId: row.id, created, textKey: row.textKey };
  }

  async findStories(request: CatalogStoryFindRequestV1): Promise<CatalogStoryFindResponseV1> {
    const rows = await this.stories.byTrend(request.trendId, request.variant);
    return {
      stories: rows.map((row) => ({
        storyId: row.id,
        trendId: row.trendId,
        articleId: row.articleId,
        model: row.model,
        standIn: row.standIn,
        variant: row.variant,
        textKey: row.textKey,
        templateId: row.templateId,
        templateVersion: row.templateVersion,
        articleReason: row.articleReason,
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        latencyMs: row.latencyMs,
        finishReason: row.finishReason,
        repairs: row.repairs,
        createdAt: row.createdAt.toISOString(),
      })),
    };
  }

  async countStories(request: CatalogStoryCountRequestV1): Promise<CatalogStoryCountResponseV1> {
    let categoryId: number | null = null;
    if (request.category !== null) {
      const category = await this.categories.bySlug(request.category);
      if (!category) return { count: 0 };
      categoryId = category.id;
    }
    return { count: await this.stories.countByCategory(categoryId, new Date(request.since), new Date(request.until)) };
  }

  async createVideo(request: CatalogVideoCreateRequestV1): Promise<CatalogVideoCreateResponseV1> {
    if (!(await this.stories.byId(request.storyId))) throw notFound(`story ${request.storyId}`);
    const key = { storyId: request.storyId, model: request.model, variant: request.variant };
    const { row, created } = await insertOnce(
      () => this.videos.byNaturalKey(key),
      () =>
        this.videos.insert({
          ...key,
          standIn: request.standIn,
          fileKey: request.fileKey,
          durationS: request.durationS,
          hasAudio: request.hasAudio,
          narrationSource: request.narrationSource ?? null,
          width: request.width ?? null,
          height: request.height ?? null,
          fps: request.fps ?? null,
          generatedAt: new Date(request.generatedAt),
          createdAt: new Date(),
        }),
    );
    return { videoId: row.id, created, fileKey: row.fileKey };
  }

  async createEdit(request: CatalogEditCreateRequestV1): Promise<CatalogEditCreateResponseV1> {
    if (!(await this.videos.byId(request.videoId))) throw notFound(`video ${request.videoId}`);
    const key = { videoId: request.videoId, editor: request.editor, platformProfile: request.platformProfile };
    const { row, created } = await insertOnce(
      () => this.edits.byNaturalKey(key),
      () =>
        this.edits.insert({
          ...key,
          standIn: request.standIn,
          fileKey: request.fileKey,
          durationS: request.durationS,
          editedAt: new Date(request.editedAt),
          createdAt: new Date(),
          thumbnailKey: request.thumbnailKey ?? null,
          planner: request.planner ?? request.plan?.planner ?? null,
          planJson: request.plan ? JSON.stringify(request.plan) : null,
          qaJson: request.qa ? JSON.stringify(request.qa) : null,
          lufs: request.qa?.lufs ?? null,
          truePeakDb: request.qa?.truePeakDb ?? null,
          avDriftMs: request.qa?.avDriftMs ?? null,
        }),
    );
    return { editId: row.id, created, fileKey: row.fileKey };
  }

  async recordPublication(request: CatalogPublicationRecordRequestV1): Promise<CatalogPublicationRecordResponseV1> {
    const edit = await this.edits.byId(request.editId);
    if (!edit) throw notFound(`edit ${request.editId}`);
    const channelId = await this.publications.channelIdOf(request.platform, request.account);
    const { row, created } = await insertOnce(
      () => this.publications.byExternalId(request.platform, request.externalId),
      () =>
        this.publications.insert({
          editId: request.editId,
          platform: request.platform,
          account: request.account,
          externalId: request.externalId,
          url: request.url ?? null,
          publishedAt: new Date(request.publishedAt),
          createdAt: new Date(),
          channelId,
          title: request.title ?? null,
          privacyStatus: request.privacyStatus ?? null,
          uploadStatus: request.uploadStatus ?? null,
          rejectionReason: request.rejectionReason ?? null,
          statusCheckedAt: request.uploadStatus ? new Date() : null,
        }),
    );
    if (row.editId !== request.editId) {
      throw new CatalogError(
        'conflict',
        `${request.platform} id ${request.externalId} is already recorded for edit ${row.editId} (publication ${row.id}), not edit ${request.editId}`,
      );
    }
    // Also on a repeat: the earlier attempt may have stopped between the insert and this update.
    const video = await this.videos.byId(edit.videoId);
    const reclassified = await this.files.markPublished([edit.fileKey, ...(video ? [video.fileKey] : [])]);
    if (created) this.logger.info(`publication ${row.id}: edit ${edit.id} on ${row.platform}/${row.account} (${reclassified} files now evictable)`);
    return { publicationId: row.id, created };
  }

  async addMetric(request: CatalogMetricAddRequestV1): Promise<CatalogMetricAddResponseV1> {
    if (!(await this.publications.byId(request.publicationId))) throw notFound(`publication ${request.publicationId}`);
    const capturedAt = new Date(request.capturedAt);
    const slotAt = request.slotAt ? new Date(request.slotAt) : null;
    const { row, created } = await insertOnce(
      () => (slotAt ? this.publications.snapshotAtSlot(request.publicationId, slotAt) : this.publications.snapshotAt(request.publicationId, capturedAt)),
      () =>
        this.publications.insertSnapshot({
          publicationId: request.publicationId,
          views: request.views,
          likes: request.likes,
          comments: request.comments,
          capturedAt,
          createdAt: new Date(),
          slotAt,
          source: request.source ?? null,
        }),
    );
    // Also on a repeat: the earlier attempt may have stopped between the insert and this refresh.
    await this.publications.refreshViews(request.publicationId);
    return { snapshotId: row.id, created };
  }

  async listPublications(request: CatalogPublicationListRequestV1): Promise<CatalogPublicationListResponseV1> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (from > to) throw new CatalogError('invalid', `the window starts (${request.from}) after it ends (${request.to})`);
    const rows = await this.publications.list({
      platform: request.platform ?? null,
      from,
      to,
      limit: request.pageSize + 1,
      after: request.cursor ? decodeCursor(request.cursor) : null,
    });
    const page = rows.slice(0, request.pageSize);
    const last = page.at(-1);
    return {
      publications: page.map(toPublicationV1),
      nextCursor: rows.length > request.pageSize && last ? encodeCursor({ at: last.publishedAt, id: last.id }) : null,
    };
  }

  /** The whole chain behind one publication: what the console shows and evaluation reads. */
  async getPublication(publicationId: number, metricsLimit: number): Promise<CatalogPublicationGetResponseV1> {
    const publication = await this.publications.byId(publicationId);
    if (!publication) throw notFound(`publication ${publicationId}`);
    // Foreign keys guarantee every link below exists; a miss means the database was edited by hand.
    const edit = await this.edits.byId(publication.editId);
    const video = edit && (await this.videos.byId(edit.videoId));
    const story = video && (await this.stories.byId(video.storyId));
    const trend = story && (await this.trends.byId(story.trendId));
    if (!edit || !video || !story || !trend) throw new Error(`publication ${publicationId}: its chain is broken (edit, video, story or trend row missing)`);
    const category = trend.categoryId === null ? null : await this.categories.byId(trend.categoryId);
    const metrics = await this.publications.latestSnapshots(publicationId, metricsLimit);
    return {
      publication: toPublicationV1(publication),
      edit: {
        editId: edit.id,
        editor: edit.editor,
        standIn: edit.standIn,
        platformProfile: edit.platformProfile,
        fileKey: edit.fileKey,
        durationS: edit.durationS,
        editedAt: edit.editedAt.toISOString(),
      },
      video: {
        videoId: video.id,
        model: video.model,
        standIn: video.standIn,
        fileKey: video.fileKey,
        durationS: video.durationS,
        hasAudio: video.hasAudio,
        generatedAt: video.generatedAt.toISOString(),
      },
      story: {
        storyId: story.id,
        model: story.model,
        standIn: story.standIn,
        variant: story.variant,
        textKey: story.textKey,
        promptKey: story.promptKey,
        createdAt: story.createdAt.toISOString(),
      },
      trend: {
        trendId: trend.id,
        text: trend.text,
        category: category?.slug ?? null,
        windowStart: trend.windowStart.toISOString(),
        windowEnd: trend.windowEnd.toISOString(),
        score: trend.score,
        detector: trend.detector,
      },
      articleId: story.articleId,
      metrics: metrics.map((m) => ({
        views: m.views,
        likes: m.likes,
        comments: m.comments,
        capturedAt: m.capturedAt.toISOString(),
        slotAt: m.slotAt?.toISOString() ?? null,
        source: m.source ?? null,
      })),
    };
  }
}

function toPublicationV1(p: PublicationEntity): PublicationV1 {
  return {
    publicationId: p.id,
    editId: p.editId,
    platform: p.platform,
    account: p.account,
    externalId: p.externalId,
    url: p.url,
    publishedAt: p.publishedAt.toISOString(),
    channelId: p.channelId ?? null,
    title: p.title ?? null,
    privacyStatus: p.privacyStatus ?? null,
    uploadStatus: p.uploadStatus ?? null,
    rejectionReason: p.rejectionReason ?? null,
    statusCheckedAt: p.statusCheckedAt?.toISOString() ?? null,
  };
}
