import { APP_ENV, APP_LOGGER } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { VECTOR_BACKEND, type VectorBackend } from './backends/vector-backend.js';
import { createVectorBackend } from './vector-backend.factory.js';
import { loadVectorConfig } from './vector.config.js';
import { VectorController } from './vector.controller.js';
import { VectorService } from './vector.service.js';
import { VectorStorageSizeHandler } from './storage-size.handler.js';

/** Closes the backend (saves usearch indexes, closes the Milvus channel) after in-flight requests. */
class VectorBackendCloser implements OnApplicationShutdown {
  constructor(@Inject(VECTOR_BACKEND) private readonly backend: VectorBackend) {}

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close();
  }
}

@Module({
  controllers: [VectorController, VectorStorageSizeHandler],
  providers: [
    {
      provide: VECTOR_BACKEND,
      inject: [APP_ENV, APP_LOGGER],
      // Opening is part of the start: a wrong Milvus address or a locked data dir stops the boot.
      useFactory: async (env: NodeJS.ProcessEnv, logger: winston.Logger) => {
        const config = loadVectorConfig(env);
        const backend = await createVectorBackend(config, logger);
        logger.info(
          config.backend === 'milvus' ? `vector store: Milvus at ${config.milvus.address}` : `vector store: usearch in ${config.usearch.dataDir}`,
        );
        return backend;
      },
    },
    VectorBackendCloser,
    VectorService,
  ],
})
export class VectorModule {}
