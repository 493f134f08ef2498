import { join } from 'node:path';
import { APP_ENV, EventPublisher, RequestClient, APP_LOGGER } from '#messaging';
import { ensureFakeYoutube, type FakeYoutube } from '#youtube';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type winston from 'winston';
import { CatalogClient } from './catalog.client.js';
import { loadMetricsConfig, METRICS_CONFIG, type MetricsConfig } from './metrics.config.js';
import { METRICS_SERVICE, MetricsHandler } from './metrics.handler.js';
import { MetricsService } from './metrics.service.js';
import { MetricsScheduler } from './scheduler.service.js';

const FAKE_YOUTUBE = Symbol('FAKE_YOUTUBE');

class MetricsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(METRICS_CONFIG) private readonly config: MetricsConfig,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
    @Inject(MetricsScheduler) private readonly scheduler: MetricsScheduler,
    @Inject(FAKE_YOUTUBE) private readonly fake: { instance: FakeYoutube | null },
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.youtube) {
      this.logger.info('metrics off (METRICS_BACKEND=off): the outbox publishes nowhere, so there are no views to collect');
      return;
    }
    this.logger.info(`collecting ${this.config.youtube.platform} metrics of channels ${this.config.youtube.channels.map((c) => c.name).join(', ')}`);
    if (this.config.scheduler) this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.scheduler.stop();
    await this.fake.instance?.stop();
  }
}

@Module({
  controllers: [MetricsHandler],
  providers: [
    { provide: METRICS_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadMetricsConfig(env) },
    {
      provide: FAKE_YOUTUBE,
      inject: [METRICS_CONFIG],
      useFactory: async (config: MetricsConfig) => {
        const fake = config.youtube?.fake;
        return { instance: fake ? await ensureFakeYoutube(fake.port, join(config.dataDir, 'fake-youtube', 'state.json')) : null };
      },
    },
    { provide: CatalogClient, inject: [RequestClient], useFactory: (requests: RequestClient) => new CatalogClient(requests) },
    {
      provide: METRICS_SERVICE,
      inject: [METRICS_CONFIG, CatalogClient],
      useFactory: (config: MetricsConfig, catalog: CatalogClient) =>
        config.youtube
          ? new MetricsService(config.youtube, catalog, {
              slotMs: config.slotMs,
              hourlyForMs: config.hourlyForMs,
              dailyUntilMs: config.dailyUntilMs,
              analyticsHour: config.analyticsHour,
              analyticsMaxCalls: config.analyticsMaxCalls,
              statisticsCall: config.statisticsCall,
            })
          : null,
    },
    {
      provide: MetricsScheduler,
      inject: [EventPublisher, APP_LOGGER, METRICS_CONFIG],
      useFactory: (publisher: EventPublisher, logger: winston.Logger, config: MetricsConfig) =>
        new MetricsScheduler(publisher, logger, { tickMs: config.tickMs, slotMs: config.slotMs, graceMs: config.graceMs }),
    },
    MetricsLifecycle,
  ],
})
export class MetricsModule {}
