import { join } from 'node:path';
import { FilesClient } from '#files-client';
import { APP_ENV, RequestClient, APP_LOGGER } from '#messaging';
import { ensureFakeYoutube, type FakeYoutube } from '#youtube';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type winston from 'winston';
import { CatalogClient } from './catalog.client.js';
import { OutboxBackend } from './outbox.backend.js';
import { loadPublisherConfig, PUBLISHER_CONFIG, type PublisherConfig } from './publisher.config.js';
import { PublisherHandler } from './publisher.handler.js';
import { PublisherService } from './publisher.service.js';
import { YoutubeBackend } from './youtube.backend.js';

const FAKE_YOUTUBE = Symbol('FAKE_YOUTUBE');

/** Closes the files client and the fake YouTube this process started, if any. */
class PublisherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PUBLISHER_CONFIG) private readonly config: PublisherConfig,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
    @Inject(FilesClient) private readonly files: FilesClient,
    @Inject(FAKE_YOUTUBE) private readonly fake: { instance: FakeYoutube | null },
  ) {}

  onApplicationBootstrap(): void {
    const youtube = this.config.youtube;
    if (!youtube) {
      this.logger.info(`publishing to the local outbox ${this.config.outboxDir} (stand-in: no platform; PUBLISHER_BACKEND=youtube to upload)`);
      return;
    }
    this.logger.info(
      `publishing to ${youtube.platform} channels ${youtube.channels.map((c) => c.name).join(', ')}` +
        (youtube.fake ? ` on the fake YouTube at ${youtube.endpoints.apiBase}${this.fake.instance ? ' (served by this process)' : ''}` : ''),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.files.close();
    await this.fake.instance?.stop();
  }
}

@Module({
  controllers: [PublisherHandler],
  providers: [
    { provide: PUBLISHER_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadPublisherConfig(env) },
    {
      provide: FAKE_YOUTUBE,
      inject: [PUBLISHER_CONFIG],
      useFactory: async (config: PublisherConfig) => {
        const fake = config.youtube?.fake;
        return { instance: fake ? await ensureFakeYoutube(fake.port, join(config.dataDir, 'fake-youtube', 'state.json')) : null };
      },
    },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    { provide: CatalogClient, inject: [RequestClient], useFactory: (requests: RequestClient) => new CatalogClient(requests) },
    {
      provide: PublisherService,
      inject: [PUBLISHER_CONFIG, CatalogClient, FilesClient],
      useFactory: (config: PublisherConfig, catalog: CatalogClient, files: FilesClient) => {
        if (!config.youtube) return new PublisherService({ kind: 'outbox', outbox: new OutboxBackend(config.outboxDir, catalog, files) });
        return new PublisherService({
          kind: 'youtube',
          youtube: new YoutubeBackend(config.youtube, catalog, files, {
            chunkBytes: config.chunkBytes,
            retries: config.retries,
            backoffMs: config.backoffMs,
            backoffMaxMs: config.backoffMaxMs,
            tmpDir: config.tmpDir,
            disabledRecheckMs: config.disabledRecheckMs,
            maxDeferMs: config.maxDeferMs,
          }),
        });
      },
    },
    PublisherLifecycle,
  ],
})
export class PublisherModule {}
