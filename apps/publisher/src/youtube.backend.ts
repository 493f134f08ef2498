import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogUploadContextResponseV1, UploadV1, VideoEditedV1, VideoPublishedV1 } from '#contracts';
import type { FilesClient } from '#files-client';
import { PoisonMessageError, RetryLaterError } from '#messaging';
import {
  fileSource,
  nextQuotaReset,
  OAuthTokenSource,
  QuotaCost,
  quotaDay,
  ResumableUploader,
  YoutubeAuthRevokedError,
  YoutubeClient,
  YoutubeQuotaError,
  type ChannelConfig,
  type QuotaMethod,
  type VideoResource,
  type YoutubeConfig,
} from '#youtube';
import type winston from 'winston';
import type { CatalogClient } from './catalog.client.js';
import { ChannelRouter } from './channel-router.js';
import type { Announce, PublishOutcome } from './publisher.service.js';
import { buildMetadata, parseScript } from './story-metadata.js';

export interface YoutubeBackendOptions {
  chunkBytes: number;
  retries: number;
  backoffMs: number;
  backoffMaxMs: number;
  tmpDir: string;
  disabledRecheckMs: number;
  /** The longest a message waits before the channel state is looked at again (a person may re-enable it). */
  maxDeferMs: number;
  now?: () => number;
}

/**
 * Publishes an edit to one YouTube channel: route, claim the upload in the catalog (the channel is
 * fixed from then on), draw quota, upload resumably (the session URI is stored before the first
 * byte, so a crash or redelivery resumes it), set the thumbnail, read the video back (privacy,
 * processing status, rejection) and record the publication. A quota error pauses the channel until
 * the quota day resets and the message waits; a revoked token disables the channel.
 */
export class YoutubeBackend {
  private readonly clients = new Map<string, YoutubeClient>();
  private readonly inFlight = new Map<number, Promise<PublishOutcome>>();
  readonly router: ChannelRouter;
  private readonly now: () => number;

  constructor(
    private readonly config: YoutubeConfig,
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    private readonly options: YoutubeBackendOptions,
  ) {
    this.router = new ChannelRouter(config, catalog, options.disabledRecheckMs);
    this.now = options.now ?? Date.now;
    for (const channel of config.channels) {
      const tokens = new OAuthTokenSource(channel.name, {
        tokenUrl: config.endpoints.tokenUrl,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        refreshToken: channel.refreshToken,
      });
      this.clients.set(channel.name, new YoutubeClient(tokens, config.endpoints));
    }
  }

  get platform(): string {
    return this.config.platform;
  }

  /**
   * One handler per edit in this process: a message redelivered while its first delivery is still
   * uploading (a stalled heartbeat) waits for it instead of pushing the same bytes in parallel,
   * and a second message of the same edit waits until the first one's announcement is marked.
   */
  async publish(edit: VideoEditedV1, log: winston.Logger, heartbeat: () => void, announce: Announce): Promise<PublishOutcome> {
    const running = this.inFlight.get(edit.editId);
    if (running) await running.catch(() => undefined);
    const work = this.publishOnce(edit, log, heartbeat, announce);
    this.inFlight.set(edit.editId, work);
    try {
      return await work;
    } finally {
      if (this.inFlight.get(edit.editId) === work) this.inFlight.delete(edit.editId);
    }
  }

  private async publishOnce(edit: VideoEditedV1, log: winston.Logger, heartbeat: () => void, announce: Announce): Promise<PublishOutcome> {
    const platform = this.config.platform;
    const context = await this.catalog.uploadContext(edit.editId, platform);
    if (!context) throw new PoisonMessageError(`edit ${edit.editId} is not in the catalog`);
    if (context.publicationId) return this.announceOnce(await this.alreadyPublished(context.publicationId, edit.editId), context.upload, announce);
    const channel = await this.channelFor(context);
    let upload = await this.catalog.claimUpload({ editId: edit.editId, platform, channel: channel.name });
    const claimed = this.router.channel(upload.channel);
    if (!claimed) throw new PoisonMessageError(`edit ${edit.editId} was claimed by channel ${upload.channel}, which is no longer configured; add it back to publish`);
    const client = this.clients.get(claimed.name)!;
    await this.checkChannelAvailable(claimed);

    let video: VideoResource | null = null;
    if (upload.externalId === null) {
      const result = await this.upload(context, claimed, client, upload, log, heartbeat);
      video = result;
      upload = await this.catalog.updateUpload({ uploadId: upload.uploadId, status: 'uploaded', externalId: video.id, error: null });
    }
    const videoId = upload.externalId!;
    const thumbnailKey = edit.thumbnailKey ?? null;
    if (thumbnailKey) await this.setThumbnail(claimed, client, videoId, thumbnailKey, log);
    const checked = await this.readBack(claimed, client, videoId, log);
    const status = checked?.status ?? video?.status;
    const title = checked?.snippet?.title ?? video?.snippet?.title ?? null;
    const channelExternalId = checked?.snippet?.channelId ?? video?.snippet?.channelId;
    if (channelExternalId) await this.catalog.setChannel({ platform, name: claimed.name, externalId: channelExternalId }).catch(() => undefined);
    if (status?.privacyStatus && status.privacyStatus !== claimed.privacy) {
      log.error(`video ${videoId} on ${claimed.name} is ${status.privacyStatus}, not the ${claimed.privacy} that was sent: check it on YouTube Studio`);
    }
    const publishedAt = new Date(this.now()).toISOString();
    const url = this.config.fake ? `${this.config.endpoints.apiBase}/watch?v=${videoId}` : `https://www.youtube.com/watch?v=${videoId}`;
    const recorded = await this.catalog.recordPublication({
      editId: edit.editId,
      platform,
      account: claimed.name,
      externalId: videoId,
      url,
      publishedAt,
      title,
      privacyStatus: status?.privacyStatus ?? null,
      uploadStatus: status?.uploadStatus ?? null,
      rejectionReason: status?.rejectionReason ?? null,
    });
    if (status?.uploadStatus === 'rejected' || status?.uploadStatus === 'failed') {
      log.error(`video ${videoId} on ${claimed.name} was ${status.uploadStatus}: ${status.rejectionReason ?? status.failureReason ?? 'no reason given'}`);
    }
    if (!recorded.created) {
      // Another replica recorded it meanwhile: announce only if that one has not.
      const now = await this.catalog.uploadContext(edit.editId, platform);
      return this.announceOnce(await this.alreadyPublished(recorded.publicationId, edit.editId), now?.upload ?? upload, announce);
    }
    return this.announceOnce({
      publicationId: recorded.publicationId,
      editId: edit.editId,
      platform,
      account: claimed.name,
      externalId: videoId,
      url,
      publishedAt,
      ...(title ? { title } : {}),
      ...(status?.privacyStatus ? { privacyStatus: status.privacyStatus } : {}),
      ...(status?.uploadStatus ? { uploadStatus: status.uploadStatus } : {}),
      rejectionReason: status?.rejectionReason ?? null,
      standIn: this.config.fake !== null,
    }, upload, announce);
  }

  /**
   * Upload status `published` means "recorded and announced": it is set only after
   * `pipeline.video.published.v1` went out. A publication recorded but never announced (a crash or
   * a dead letter between the two) is announced by the next message of its edit; one announced
   * before is not announced again by a second, distinct `video.edited`.
   */
  private async announceOnce(event: VideoPublishedV1, upload: UploadV1 | null, announce: Announce): Promise<PublishOutcome> {
    if (upload?.status === 'published') return { event, announced: false };
    await announce(event);
    if (upload) await this.catalog.updateUpload({ uploadId: upload.uploadId, status: 'published' });
    return { event, announced: true };
  }

  private async alreadyPublished(publicationId: number, editId: number): Promise<VideoPublishedV1> {
    const { publication } = await this.catalog.getPublication(publicationId);
    return {
      publicationId,
      editId,
      platform: publication.platform,
      account: publication.account,
      externalId: publication.externalId,
      url: publication.url,
      publishedAt: publication.publishedAt,
      ...(publication.title ? { title: publication.title } : {}),
      ...(publication.privacyStatus ? { privacyStatus: publication.privacyStatus } : {}),
      ...(publication.uploadStatus ? { uploadStatus: publication.uploadStatus } : {}),
      rejectionReason: publication.rejectionReason ?? null,
      standIn: this.config.fake !== null,
    };
  }

  /** The channel already holding this edit's upload, or the one the routing rules pick now. */
  private async channelFor(context: CatalogUploadContextResponseV1): Promise<ChannelConfig> {
    if (context.upload) {
      const channel = this.router.channel(context.upload.channel);
      if (channel) return channel;
    }
    const category = context.trend.category ?? context.article.category;
    const decision = await this.router.pick(category, new Date(this.now()));
    if (decision.kind === 'channel') return decision.channel;
    throw this.defer(`no channel can take edit ${context.edit.editId} (category ${category ?? 'none'}) now: ${decision.why}`, decision.untilMs);
  }

  /** A claimed channel that is paused or disabled makes the message wait (its upload belongs to it). */
  private async checkChannelAvailable(channel: ChannelConfig): Promise<void> {
    const [state] = await this.catalog.syncChannels(this.config.platform, [channel.name]);
    const now = new Date(this.now());
    if (state!.status === 'disabled') {
      throw this.defer(`channel ${channel.name} is disabled: ${state!.reason ?? 'no reason recorded'}`, this.options.disabledRecheckMs);
    }
    if (state!.status === 'paused' && state!.pausedUntil && Date.parse(state!.pausedUntil) > now.getTime()) {
      throw this.defer(`channel ${channel.name} is paused until ${state!.pausedUntil} (${state!.reason ?? 'quota'})`, Date.parse(state!.pausedUntil) - now.getTime());
    }
    if (state!.status === 'paused') await this.catalog.setChannel({ platform: this.config.platform, name: channel.name, status: 'active', reason: null });
  }

  private async upload(
    context: CatalogUploadContextResponseV1,
    channel: ChannelConfig,
    client: YoutubeClient,
    upload: UploadV1,
    log: winston.Logger,
    heartbeat: () => void,
  ): Promise<VideoResource> {
    const script = parseScript(await this.files.get(context.story.textKey).catch(() => Buffer.from('')));
    if (!script) log.warn(`story ${context.story.storyId}: ${context.story.textKey} is not a story script; the title and attribution come from the article`);
    const metadata = buildMetadata(script, context, channel);
    await mkdir(this.options.tmpDir, { recursive: true });
    const path = join(this.options.tmpDir, `edit-${context.edit.editId}-${randomBytes(4).toString('hex')}.mp4`);
    try {
      const downloaded = await this.files.download(context.edit.fileKey, path);
      if (upload.sha256 && upload.sha256 !== downloaded.sha256) {
        throw new PoisonMessageError(`edit ${context.edit.editId}: the file changed since its upload started (${upload.sha256} -> ${downloaded.sha256})`);
      }
      const source = await fileSource(path, 'video/mp4');
      const uploader = new ResumableUploader(client, {
        chunkBytes: this.options.chunkBytes,
        maxRetries: this.options.retries,
        backoffBaseMs: this.options.backoffMs,
        backoffMaxMs: this.options.backoffMaxMs,
      });
      try {
        const result = await uploader.upload({
          metadata,
          source,
          sessionUri: upload.sessionUri,
          beforeSession: () => this.draw(channel, 'videos.insert', Math.min(channel.dailyCap, channel.quota.uploads)),
          onSession: async (uri) => {
            await this.catalog.updateUpload({ uploadId: upload.uploadId, status: 'uploading', sessionUri: uri });
          },
          onProgress: () => heartbeat(),
        });
        log.info(
          `edit ${context.edit.editId} uploaded to ${channel.name} as ${result.video.id}: ${result.chunks} chunks, ${result.retries} retries, ` +
            `${result.sessionsStarted} new session(s)${result.resumedAt > 0 ? `, resumed at byte ${result.resumedAt}` : ''}`,
        );
        return result.video;
      } finally {
        await source.close();
      }
    } catch (error) {
      throw await this.onYoutubeError(channel, error);
    } finally {
      await rm(path, { force: true });
    }
  }

  private async setThumbnail(channel: ChannelConfig, client: YoutubeClient, videoId: string, key: string, log: winston.Logger): Promise<void> {
    try {
      await this.draw(channel, 'thumbnails.set');
      await client.setThumbnail(videoId, await this.files.get(key), key.endsWith('.png') ? 'image/png' : 'image/jpeg');
    } catch (error) {
      // The video is up; a missing custom thumbnail is not worth holding the publication back.
      log.warn(`video ${videoId}: no custom thumbnail (${(error as Error).message})`);
    }
  }

  /** Reads the video back (1 unit): privacy as YouTube holds it, processing status, rejection. */
  private async readBack(channel: ChannelConfig, client: YoutubeClient, videoId: string, log: winston.Logger): Promise<VideoResource | null> {
    try {
      await this.draw(channel, 'videos.list');
      const [item] = await client.listVideos([videoId], ['status', 'snippet']);
      return item ?? null;
    } catch (error) {
      log.warn(`video ${videoId}: status not read back (${(error as Error).message}); the metrics stage reads it later`);
      return null;
    }
  }

  private defer(message: string, ms: number): RetryLaterError {
    return new RetryLaterError(message, Math.max(0, Math.min(ms, this.options.maxDeferMs)));
  }

  /** Draws a call's units from the ledger first; an empty bucket pauses the channel like YouTube's own error. */
  private async draw(channel: ChannelConfig, method: QuotaMethod, limitOverride?: number): Promise<void> {
    const cost = QuotaCost[method];
    const limit = limitOverride ?? channel.quota[cost.bucket];
    const now = new Date(this.now());
    const reserved = await this.catalog.reserveQuota({ platform: this.config.platform, channel: channel.name, day: quotaDay(now), bucket: cost.bucket, units: cost.units, limit });
    if (!reserved.granted) {
      const until = nextQuotaReset(now);
      throw this.defer(
        `channel ${channel.name}: the ${cost.bucket} bucket has ${reserved.used}/${limit} units used on quota day ${quotaDay(now)}; ${method} waits until ${until.toISOString()}`,
        until.getTime() - now.getTime(),
      );
    }
  }

  /** Quota errors pause the channel until the reset; a revoked token disables it. Others pass through. */
  private async onYoutubeError(channel: ChannelConfig, error: unknown): Promise<unknown> {
    const platform = this.config.platform;
    const now = new Date(this.now());
    if (error instanceof YoutubeQuotaError) {
      const until = nextQuotaReset(now);
      await this.catalog.setChannel({ platform, name: channel.name, status: 'paused', pausedUntil: until.toISOString(), reason: `${error.reason} at ${now.toISOString()}` });
      return this.defer(`channel ${channel.name} paused until ${until.toISOString()} (${error.reason}); the upload resumes after the quota day resets`, until.getTime() - now.getTime());
    }
    if (error instanceof YoutubeAuthRevokedError) {
      await this.catalog.setChannel({ platform, name: channel.name, status: 'disabled', reason: error.message.slice(0, 1000) });
      return this.defer(error.message, this.options.disabledRecheckMs);
    }
    return error;
  }
}
