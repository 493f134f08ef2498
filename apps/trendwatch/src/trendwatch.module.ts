import { APP_ENV, APP_LOGGER } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog.client.js';
import { FakeGoogleTrends } from './fakes/google-trends.fake.js';
import { FAKE_NAVER_CREDENTIALS, FakeNaverDataLab } from './fakes/naver-datalab.fake.js';
import { loadTrendwatchConfig, TRENDWATCH_CONFIG, type TrendwatchConfig } from './trendwatch.config.js';
import { TrendwatchService, type Endpoints } from './trendwatch.service.js';

const FAKES = Symbol('FAKES');
type Fakes = { google: FakeGoogleTrends; naver: FakeNaverDataLab } | null;

/** Starts the snapshots once the app is up; stops them and the fakes on shutdown. */
class TrendwatchLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(TrendwatchService) private readonly service: TrendwatchService,
    @Inject(FAKES) private readonly fakes: Fakes,
  ) {}

  onApplicationBootstrap(): void {
    this.service.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.service.stop();
    await this.fakes?.google.close();
    await this.fakes?.naver.close();
  }
}

@Module({
  providers: [
    { provide: TRENDWATCH_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadTrendwatchConfig(env) },
    {
      provide: FAKES,
      inject: [TRENDWATCH_CONFIG],
      // Offline default: both services as local protocol-faithful fakes on free ports.
      useFactory: async (config: TrendwatchConfig): Promise<Fakes> =>
        config.backend === 'fake' ? { google: await FakeGoogleTrends.start(), naver: await FakeNaverDataLab.start() } : null,
    },
    CatalogClient,
    {
      provide: TrendwatchService,
      inject: [TRENDWATCH_CONFIG, FAKES, CatalogClient, APP_LOGGER],
      useFactory: (config: TrendwatchConfig, fakes: Fakes, catalog: CatalogClient, logger: winston.Logger) => {
        const endpoints: Endpoints = fakes
          ? { googleUrl: fakes.google.url, naver: { url: fakes.naver.url, ...FAKE_NAVER_CREDENTIALS }, standIn: true }
          : { googleUrl: config.googleUrl, naver: config.naver, standIn: false };
        return new TrendwatchService(config, endpoints, catalog, logger);
      },
    },
    TrendwatchLifecycle,
  ],
})
export class TrendwatchModule {}
