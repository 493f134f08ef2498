import { FilesClient } from '#files-client';
import { APP_ENV, RequestClient } from '#messaging';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog.client.js';
import { loadTrendConfig, TREND_CONFIG } from './trend.config.js';
import { TrendHandler } from './trend.handler.js';
import { TrendService } from './trend.service.js';
import { TrendSweeper } from './trend.sweeper.js';
import { VectorClient } from './vector.client.js';

/** Closes the pooled connections of the files client when the app stops. */
class FilesClientCloser implements OnApplicationShutdown {
  constructor(@Inject(FilesClient) private readonly files: FilesClient) {}

  onApplicationShutdown(): void {
    this.files.close();
  }
}

@Module({
  controllers: [TrendHandler],
  providers: [
    { provide: TREND_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadTrendConfig(env) },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    FilesClientCloser,
    CatalogClient,
    VectorClient,
    TrendService,
    TrendSweeper,
  ],
})
export class TrendModule {}
