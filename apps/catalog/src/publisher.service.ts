import type {
  CatalogChannelSetRequestV1,
  CatalogChannelSyncResponseV1,
  CatalogMetricDailyRequestV1,
  CatalogPublicationStatusRequestV1,
  CatalogQuotaReserveRequestV1,
  CatalogQuotaReserveResponseV1,
  CatalogQuotaUsageResponseV1,
  CatalogUploadClaimRequestV1,
  CatalogUploadContextResponseV1,
  CatalogUploadUpdateRequestV1,
  ChannelV1,
  UploadV1,
} from '#contracts';
import { Injectable } from '@nestjs/common';
import { CatalogError, notFound } from './catalog.errors.js';
import { insertOnce } from './database/insert-once.js';
import type { ChannelEntity } from './entities/channel.entity.js';
import type { UploadEntity } from './entities/upload.entity.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { CategoryRepository } from './repositories/category.repository.js';
import { EditRepository } from './repositories/edit.repository.js';
import { PublicationRepository } from './repositories/publication.repository.js';
import { PublisherRepository } from './repositories/publisher.repository.js';
import { StoryRepository } from './repositories/story.repository.js';
import { TrendRepository } from './repositories/trend.repository.js';
import { VideoRepository } from './repositories/video.repository.js';

/** What the publisher and metrics stages keep: channels, quota ledger, uploads, daily analytics. */
@Injectable()
export class PublisherCatalogService {
  constructor(
    private readonly rows: PublisherRepository,
    private readonly edits: EditRepository,
    private readonly videos: VideoRepository,
    private readonly stories: StoryRepository,
    private readonly trends: TrendRepository,
    private readonly articles: ArticleRepository,
    private readonly categories: CategoryRepository,
    private readonly publications: PublicationRepository,
  ) {}

  async syncChannels(platform: string, names: string[]): Promise<CatalogChannelSyncResponseV1> {
    const channels: ChannelV1[] = [];
    for (const name of [...new Set(names)]) channels.push(toChannelV1(await this.ensureChannel(platform, name)));
    return { channels };
  }

  async setChannel(request: CatalogChannelSetRequestV1): Promise<ChannelV1> {
    const row = await this.ensureChannel(request.platform, request.name);
    const patch: Partial<ChannelEntity> = { updatedAt: new Date() };
    if (request.status !== undefined) patch.status = request.status;
    if (request.pausedUntil !== undefined) patch.pausedUntil = request.pausedUntil === null ? null : new Date(request.pausedUntil);
    if (request.status === 'active' && request.pausedUntil === undefined) patch.pausedUntil = null;
    if (request.reason !== undefined) patch.reason = request.reason;
    if (request.externalId !== undefined) {
      if (row.externalId !== null && row.externalId !== request.externalId) {
        throw new CatalogError('conflict', `channel ${request.platform}/${request.name} is ${row.externalId}, not ${request.externalId}`);
      }
      patch.externalId = request.externalId;
    }
    await this.rows.updateChannel(row.id, patch);
    return toChannelV1({ ...row, ...patch });
  }

  async reserveQuota(request: CatalogQuotaReserveRequestV1): Promise<CatalogQuotaReserveResponseV1> {
    const channel = await this.ensureChannel(request.platform, request.channel);
    const now = new Date();
    const { row } = await insertOnce(
      () => this.rows.ledgerRow(channel.id, request.day, request.bucket),
      () => this.rows.insertLedger({ channelId: channel.id, quotaDay: request.day, bucket: request.bucket, units: 0, updatedAt: now }),
    );
    if (request.exhaust) {
      await this.rows.exhaustUnits(row.id, request.limit, now);
      const after = await this.rows.ledgerRow(channel.id, request.day, request.bucket);
      return { granted: false, used: after?.units ?? request.limit, limit: request.limit };
    }
    const granted = await this.rows.drawUnits(row.id, request.units, request.limit, now);
    const after = await this.rows.ledgerRow(channel.id, request.day, request.bucket);
    return { granted, used: after?.units ?? 0, limit: request.limit };
  }

  async quotaUsage(platform: string, name: string, day: string): Promise<CatalogQuotaUsageResponseV1> {
    const channel = await this.rows.channel(platform, name);
    if (!channel) return { buckets: [] };
    const rows = await this.rows.ledgerDay(channel.id, day);
    return { buckets: rows.map((r) => ({ bucket: r.bucket, units: r.units, updatedAt: r.updatedAt.toISOString() })) };
  }

  async uploadContext(editId: number, platform: string): Promise<CatalogUploadContextResponseV1> {
    const edit = await this.edits.byId(editId);
    if (!edit) throw notFound(`edit ${editId}`);
    const video = await this.videos.byId(edit.videoId);
    const story = video && (await this.stories.byId(video.storyId));
    const trend = story && (await this.trends.byId(story.trendId));
    const article = story && (await this.articles.byId(story.articleId));
    if (!video || !story || !trend || !article) throw new Error(`edit ${editId}: its chain is broken (video, story, trend or article row missing)`);
    const trendCategory = trend.categoryId === null ? null : await this.categories.byId(trend.categoryId);
    const articleCategory = await this.categories.byId(article.categoryId);
    const upload = await this.rows.upload(editId, platform);
    const publication = upload?.externalId ? await this.publications.byExternalId(platform, upload.externalId) : null;
    return {
      edit: {
        editId: edit.id,
        videoId: edit.videoId,
        editor: edit.editor,
        standIn: edit.standIn,
        platformProfile: edit.platformProfile,
        fileKey: edit.fileKey,
        durationS: edit.durationS,
      },
      video: { videoId: video.id, model: video.model, standIn: video.standIn },
      story: { storyId: story.id, textKey: story.textKey, model: story.model, standIn: story.standIn },
      trend: { trendId: trend.id, text: trend.text, category: trendCategory?.slug ?? null },
      article: { articleId: article.id, url: article.url, title: article.title, category: articleCategory?.slug ?? null },
      upload: upload ? await this.toUploadV1(upload) : null,
      publicationId: publication?.id ?? null,
    };
  }

  async claimUpload(request: CatalogUploadClaimRequestV1): Promise<{ upload: UploadV1; created: boolean }> {
    if (!(await this.edits.byId(request.editId))) throw notFound(`edit ${request.editId}`);
    const channel = await this.ensureChannel(request.platform, request.channel);
    const now = new Date();
    const { row, created } = await insertOnce(
      () => this.rows.upload(request.editId, request.platform),
      () =>
        this.rows.insertUpload({
          editId: request.editId,
          platform: request.platform,
          channelId: channel.id,
          sessionUri: null,
          sessions: 0,
          status: 'pending',
          externalId: null,
          bytes: request.bytes ?? null,
          sha256: request.sha256 ?? null,
          error: null,
          startedAt: now,
          updatedAt: now,
        }),
    );
    return { upload: await this.toUploadV1(row), created };
  }

  async updateUpload(request: CatalogUploadUpdateRequestV1): Promise<UploadV1> {
    const row = await this.rows.uploadById(request.uploadId);
    if (!row) throw notFound(`upload ${request.uploadId}`);
    const patch: Partial<UploadEntity> = { updatedAt: new Date() };
    if (request.status !== undefined) patch.status = request.status;
    if (request.error !== undefined) patch.error = request.error;
    if (request.sessionUri !== undefined && request.sessionUri !== row.sessionUri) {
      patch.sessionUri = request.sessionUri;
      patch.sessions = row.sessions + 1;
    }
    if (request.externalId !== undefined) {
      if (row.externalId !== null && row.externalId !== request.externalId) {
        throw new CatalogError('conflict', `upload ${row.id} already holds ${row.platform} video ${row.externalId}, not ${request.externalId}`);
      }
      patch.externalId = request.externalId;
    }
    await this.rows.updateUpload(row.id, patch);
    return this.toUploadV1({ ...row, ...patch });
  }

  async setPublicationStatus(request: CatalogPublicationStatusRequestV1): Promise<{ publicationId: number }> {
    const publication = await this.publications.byId(request.publicationId);
    if (!publication) throw notFound(`publication ${request.publicationId}`);
    await this.publications.updateStatus(publication.id, {
      uploadStatus: request.uploadStatus,
      rejectionReason: request.rejectionReason ?? null,
      ...(request.privacyStatus ? { privacyStatus: request.privacyStatus } : {}),
      statusCheckedAt: new Date(request.checkedAt),
    });
    return { publicationId: publication.id };
  }

  async addDaily(request: CatalogMetricDailyRequestV1): Promise<{ created: number; existing: number }> {
    if (!(await this.publications.byId(request.publicationId))) throw notFound(`publication ${request.publicationId}`);
    let created = 0;
    let existing = 0;
    const capturedAt = new Date(request.capturedAt);
    for (const item of request.days) {
      const once = await insertOnce(
        () => this.rows.dailyRow(request.publicationId, item.day),
        () =>
          this.rows.insertDaily({ publicationId: request.publicationId, day: item.day, views: item.views, source: request.source, capturedAt, createdAt: new Date() }),
      );
      if (once.created) created++;
      else existing++;
    }
    return { created, existing };
  }

  /** The channel row of a (platform, name), made on first sight (active). */
  async ensureChannel(platform: string, name: string): Promise<ChannelEntity> {
    const now = new Date();
    const { row } = await insertOnce(
      () => this.rows.channel(platform, name),
      () => this.rows.insertChannel({ platform, name, externalId: null, status: 'active', pausedUntil: null, reason: null, createdAt: now, updatedAt: now }),
    );
    return row;
  }

  private async toUploadV1(row: UploadEntity): Promise<UploadV1> {
    const channel = await this.rows.channelById(row.channelId);
    return {
      uploadId: row.id,
      editId: row.editId,
      platform: row.platform,
      channel: channel?.name ?? String(row.channelId),
      sessionUri: row.sessionUri,
      status: row.status as UploadV1['status'],
      externalId: row.externalId,
      bytes: row.bytes,
      sha256: row.sha256,
      sessions: row.sessions,
      error: row.error,
      startedAt: row.startedAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

function toChannelV1(row: ChannelEntity): ChannelV1 {
  return {
    channelId: row.id,
    platform: row.platform,
    name: row.name,
    externalId: row.externalId,
    status: row.status as ChannelV1['status'],
    pausedUntil: row.pausedUntil?.toISOString() ?? null,
    reason: row.reason,
    updatedAt: row.updatedAt.toISOString(),
  };
}
