import type { MetricsCollectedV1, PublicationV1 } from '#contracts';
import {
  OAuthTokenSource,
  QuotaCost,
  quotaDay,
  YoutubeAuthRevokedError,
  YoutubeClient,
  YoutubeQuotaError,
  type ChannelConfig,
  type VideoResource,
  type YoutubeConfig,
} from '#youtube';
import type winston from 'winston';
import type { CatalogClient } from './catalog.client.js';

const DAY_MS = 86_400_000;
export const STATISTICS_SOURCE = 'youtube.videos.list';
export const BATCH_STATS_SOURCE = 'youtube.videos.batchGetStats';
export const ANALYTICS_SOURCE = 'youtube.analytics';

export interface CollectOptions {
  slotMs: number;
  hourlyForMs: number;
  dailyUntilMs: number;
  analyticsHour: number;
  analyticsMaxCalls: number;
  /** `videos.list` (default) or `videos.batchGetStats` (counters only, no status). */
  statisticsCall?: 'videos.list' | 'videos.batchGetStats';
  now?: () => number;
}

export interface Collected {
  snapshot: MetricsCollectedV1;
  created: boolean;
}

export interface CollectResult {
  collected: Collected[];
  due: number;
  missing: number;
  analyticsDays: number;
  /** Channels that could not be read this slot, with why (quota, revoked token, outage). */
  skipped: { channel: string; reason: string }[];
  /** A temporary failure: the command should be retried (what was stored stays). */
  retry: string | null;
}

/**
 * One collection slot: which publications are due (every slot while young, then once a day in the
 * first slot after their publishing time, up to the age limit), their counters from `videos.list` (or
 * `videos:batchGetStats`, METRICS_STATISTICS_CALL) in calls of
 * 50 ids per channel, each call's unit drawn from the quota ledger first; one snapshot row per
 * (publication, slot), never overwritten. Once a day, daily views from YouTube Analytics too.
 */
export class MetricsService {
  private readonly clients = new Map<string, YoutubeClient>();
  private readonly now: () => number;

  constructor(
    private readonly config: YoutubeConfig,
    private readonly catalog: CatalogClient,
    private readonly options: CollectOptions,
  ) {
    this.now = options.now ?? Date.now;
    for (const channel of config.channels) {
      const tokens = new OAuthTokenSource(channel.name, { tokenUrl: config.endpoints.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, refreshToken: channel.refreshToken });
      this.clients.set(channel.name, new YoutubeClient(tokens, config.endpoints));
    }
  }

  /** Whether a publication gets a snapshot in the slot starting at `slot`. */
  isDue(publishedAt: Date, slot: Date): boolean {
    const age = slot.getTime() - publishedAt.getTime();
    if (age < 0 || age > this.options.dailyUntilMs) return false;
    if (age < this.options.hourlyForMs) return true;
    // The first slot at or after the publishing time, then every 24 h from it: +1 d, +7 d, ... line up.
    const first = Math.ceil(publishedAt.getTime() / this.options.slotMs) * this.options.slotMs;
    return (slot.getTime() - first) % DAY_MS === 0;
  }

  async collect(slotAt: string, log: winston.Logger): Promise<CollectResult> {
    const slot = new Date(slotAt);
    const result: CollectResult = { collected: [], due: 0, missing: 0, analyticsDays: 0, skipped: [], retry: null };
    const byChannel = new Map<string, PublicationV1[]>();
    const from = new Date(slot.getTime() - this.options.dailyUntilMs);
    for await (const publication of this.catalog.publications(this.config.platform, from, new Date(slot.getTime() + 1))) {
      if (!this.isDue(new Date(publication.publishedAt), slot)) continue;
      result.due++;
      const list = byChannel.get(publication.account) ?? [];
      list.push(publication);
      byChannel.set(publication.account, list);
    }
    for (const [name, publications] of byChannel) {
      const channel = this.config.channels.find((c) => c.name === name);
      if (!channel) {
        result.skipped.push({ channel: name, reason: 'not in the channels file (its token is unknown)' });
        continue;
      }
      try {
        await this.collectChannel(channel, publications, slot, result);
      } catch (error) {
        this.onChannelError(channel, error, result, log);
      }
    }
    if (slot.getUTCHours() === this.options.analyticsHour && slot.getTime() % this.options.slotMs === 0) {
      await this.collectAnalytics(slot, result, log);
    }
    return result;
  }

  private async collectChannel(channel: ChannelConfig, publications: PublicationV1[], slot: Date, result: CollectResult): Promise<void> {
    const client = this.clients.get(channel.name)!;
    const call = this.options.statisticsCall ?? 'videos.list';
    const source = call === 'videos.list' ? STATISTICS_SOURCE : BATCH_STATS_SOURCE;
    for (let start = 0; start < publications.length; start += 50) {
      const batch = publications.slice(start, start + 50);
      await this.draw(channel, QuotaCost[call].bucket, QuotaCost[call].units);
      const ids = batch.map((p) => p.externalId);
      // batchGetStats has no status part: with it, the publication's status is not re-read here.
      const items: Array<{ id: string; statistics?: VideoResource['statistics']; status?: VideoResource['status'] }> =
        call === 'videos.list' ? await client.listVideos(ids, ['statistics', 'status']) : await client.batchGetStats(ids, ['statistics']);
      const capturedAt = new Date(this.now()).toISOString();
      const byId = new Map(items.map((item) => [item.id, item]));
      for (const publication of batch) {
        const item = byId.get(publication.externalId);
        if (!item) {
          // Deleted, or made private by someone else: nothing to count, and nothing invented.
          result.missing++;
          continue;
        }
        const stats = item.statistics ?? {};
        const snapshot = {
          publicationId: publication.publicationId,
          views: Number(stats.viewCount ?? 0),
          likes: Number(stats.likeCount ?? 0),
          comments: Number(stats.commentCount ?? 0),
          capturedAt,
        };
        const added = await this.catalog.addMetric({ ...snapshot, slotAt: slot.toISOString(), source });
        result.collected.push({
          created: added.created,
          snapshot: { ...snapshot, platform: this.config.platform, externalId: publication.externalId, slotAt: slot.toISOString(), source, snapshotId: added.snapshotId },
        });
        const status = item.status;
        if (status?.uploadStatus && (status.uploadStatus !== publication.uploadStatus || (status.privacyStatus ?? null) !== (publication.privacyStatus ?? null))) {
          await this.catalog.setStatus({
            publicationId: publication.publicationId,
            uploadStatus: status.uploadStatus,
            rejectionReason: status.rejectionReason ?? null,
            privacyStatus: status.privacyStatus ?? null,
            checkedAt: capturedAt,
          });
        }
      }
    }
  }

  /** Daily views per video from YouTube Analytics, for the days it has (up to two days ago). */
  private async collectAnalytics(slot: Date, result: CollectResult, log: winston.Logger): Promise<void> {
    let calls = 0;
    const endDay = new Date(slot.getTime() - 2 * DAY_MS).toISOString().slice(0, 10);
    const from = new Date(slot.getTime() - this.options.dailyUntilMs);
    for await (const publication of this.catalog.publications(this.config.platform, from, new Date(slot.getTime() - 2 * DAY_MS))) {
      const channel = this.config.channels.find((c) => c.name === publication.account);
      if (!channel?.analytics) continue;
      if (calls >= this.options.analyticsMaxCalls) {
        log.warn(`analytics: stopped after ${calls} queries (METRICS_ANALYTICS_MAX_CALLS); the rest waits for tomorrow`);
        return;
      }
      const startDay = maxDay(publication.publishedAt.slice(0, 10), new Date(slot.getTime() - 9 * DAY_MS).toISOString().slice(0, 10));
      if (startDay > endDay) continue;
      calls++;
      try {
        const table = await this.clients.get(channel.name)!.analyticsQuery({ startDate: startDay, endDate: endDay, metrics: 'views', dimensions: 'day', filters: `video==${publication.externalId}` });
        const dayAt = table.columnHeaders.findIndex((h) => h.name === 'day');
        const viewsAt = table.columnHeaders.findIndex((h) => h.name === 'views');
        if (dayAt < 0 || viewsAt < 0) continue;
        const days = (table.rows ?? [])
          .map((row) => ({ day: String(row[dayAt]), views: Number(row[viewsAt]) }))
          .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day) && Number.isSafeInteger(d.views) && d.views >= 0);
        if (days.length === 0) continue;
        const stored = await this.catalog.addDaily({ publicationId: publication.publicationId, days, source: ANALYTICS_SOURCE, capturedAt: new Date(this.now()).toISOString() });
        result.analyticsDays += stored.created;
      } catch (error) {
        log.warn(`analytics for ${publication.externalId} on ${channel.name}: ${(error as Error).message}`);
      }
    }
  }

  private async draw(channel: ChannelConfig, bucket: 'uploads' | 'general', units: number): Promise<void> {
    const now = new Date(this.now());
    const reserved = await this.catalog.reserveQuota({ platform: this.config.platform, channel: channel.name, day: quotaDay(now), bucket, units, limit: channel.quota[bucket] });
    if (!reserved.granted) throw new YoutubeQuotaError('quotaExceeded', `the ledger's ${bucket} bucket is spent (${reserved.used}/${reserved.limit}) on quota day ${quotaDay(now)}`);
  }

  private onChannelError(channel: ChannelConfig, error: unknown, result: CollectResult, log: winston.Logger): void {
    const message = (error as Error).message;
    if (error instanceof YoutubeQuotaError) {
      result.skipped.push({ channel: channel.name, reason: `quota: ${message}` });
      log.warn(`metrics of ${channel.name} skipped this slot: ${message}`);
      return;
    }
    if (error instanceof YoutubeAuthRevokedError) {
      result.skipped.push({ channel: channel.name, reason: message });
      log.error(message);
      void this.catalog.setChannel({ platform: this.config.platform, name: channel.name, status: 'disabled', reason: message.slice(0, 1000) }).catch(() => undefined);
      return;
    }
    result.skipped.push({ channel: channel.name, reason: message });
    result.retry ??= `${channel.name}: ${message}`;
  }
}

function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}
