import { FilesClient } from '#files-client';
import { APP_ENV, APP_LOGGER, RequestClient } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog.client.js';
import { EMBEDDERS, loadStageConfig, STAGE_CONFIG, type StageConfig } from './embedder.config.js';
import { EmbedderHandler } from './embedder.handler.js';
import { EmbedderService } from './embedder.service.js';
import { createEmbedders } from './embedding/index.js';
import { VectorClient } from './vector.client.js';

/** Closes the pooled connections of the files client when the app stops. */
class FilesClientCloser implements OnApplicationShutdown {
  constructor(@Inject(FilesClient) private readonly files: FilesClient) {}

  onApplicationShutdown(): void {
    this.files.close();
  }
}

@Module({
  controllers: [EmbedderHandler],
  providers: [
    { provide: STAGE_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadStageConfig(env) },
    {
      provide: EMBEDDERS,
      inject: [STAGE_CONFIG, APP_LOGGER],
      // With the http backend and no dimensions this asks the server once: a wrong URL stops the start.
      useFactory: async (config: StageConfig, logger: winston.Logger) => {
        const embedders = await createEmbedders(config.embedders);
        logger.info(
          `embedding text with ${embedders.text.modelId} (${embedders.text.dim}-d), images with ${embedders.image.modelId} (${embedders.image.dim}-d)`,
        );
        return embedders;
      },
    },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    FilesClientCloser,
    CatalogClient,
    VectorClient,
    EmbedderService,
  ],
})
export class EmbedderModule {}
