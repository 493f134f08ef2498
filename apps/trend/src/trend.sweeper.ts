import { TrendDetectedV1 } from '#contracts';
import { APP_LOGGER, EventPublisher } from '#messaging';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type winston from 'winston';
import { binStart } from './burst.js';
import { CatalogClient } from './catalog.client.js';
import { TREND_CONFIG, type TrendConfig } from './trend.config.js';
import { TrendService } from './trend.service.js';

/**
 * Fading on a clock: every `TREND_SWEEP_SECONDS` the live trends (emerging, peaking) are judged
 * against their space's event clock, so a trend that went quiet fades although no article of its
 * cluster arrives to notice it. The state is the catalog's; every replica may sweep: the step is
 * compare-and-set in the catalog, its cause is a deterministic sweep id and its message id comes
 * from the same key as an article's, so two sweeps (or a sweep and an article) announce it once.
 */
@Injectable()
export class TrendSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly trends: TrendService,
    private readonly catalog: CatalogClient,
    private readonly publisher: EventPublisher,
    @Inject(TREND_CONFIG) private readonly config: TrendConfig,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.sweepMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), this.config.sweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the live trends; answers how many steps it announced. A pass already running is joined. */
  sweep(): Promise<number> {
    if (!this.running) {
      this.running = this.pass()
        .catch((error: unknown) => {
          this.logger.warn(`trend sweep failed, next one in ${Math.round(this.config.sweepMs / 1000)} s: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        })
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  private async pass(): Promise<number> {
    const { binSeconds, historyBins } = this.config.burst;
    let afterId = 0;
    let announced = 0;
    for (;;) {
      const page = await this.catalog.live(binSeconds, historyBins, afterId);
      const clocks = new Map(page.clocks.map((c) => [c.space, Date.parse(c.clock)]));
      for (const cluster of page.clusters) {
        afterId = cluster.clusterId;
        const clock = clocks.get(cluster.space) ?? Date.now();
        // Judged at the clock, never before the cluster's own latest article.
        const nowMs = Math.max(clock, Date.parse(cluster.lastSeenAt));
        const cause = `sweep:${cluster.clusterId}:${new Date(binStart(nowMs, binSeconds)).toISOString()}`;
        const step = await this.trends.step(cluster, nowMs, null, cause, this.logger);
        for (const announcement of step?.announcements ?? []) {
          const envelope = await this.publisher.publish(TrendDetectedV1, announcement.payload, { key: announcement.key });
          await this.trends.markPublished(announcement.transitionId, envelope.id);
          this.logger.info(`trend.detected (sweep): trend ${announcement.payload.trendId} ${announcement.payload.stage}: ${announcement.payload.text.replace('\n', ' / ')}`);
          announced++;
        }
      }
      if (page.clusters.length < 200) return announced;
    }
  }
}
