import { APP_ENV, RequestClient, APP_LOGGER } from '#messaging';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import type { Logger } from 'winston';
import { CatalogRegistryClient } from './catalog/catalog-registry.client.js';
import { FILES_CONFIG, loadFilesConfig, type FilesConfig } from './files.config.js';
import { FilesHandler } from './files.handler.js';
import { FilesMetrics } from './files.metrics.js';
import { FilesService } from './files.service.js';
import { DatabaseSizes } from './retention/database-sizes.js';
import { databaseOwners } from './retention/database-owners.js';
import { FileStore } from './storage/file-store.js';

@Module({
  controllers: [FilesHandler],
  providers: [
    { provide: FILES_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadFilesConfig(env) },
    {
      provide: FileStore,
      inject: [FILES_CONFIG],
      useFactory: (config: FilesConfig) => FileStore.open({ root: config.FILES_ROOT, maxUploadBytes: config.FILES_MAX_UPLOAD_BYTES }),
    },
    {
      provide: CatalogRegistryClient,
      inject: [RequestClient, FILES_CONFIG],
      useFactory: (requests: RequestClient, config: FilesConfig) =>
        new CatalogRegistryClient((contract, payload, options) => requests.request(contract, payload, options), config.FILES_REGISTRY === 'catalog'),
    },
    {
      provide: DatabaseSizes,
      inject: [RequestClient, FILES_CONFIG, APP_LOGGER],
      useFactory: (requests: RequestClient, config: FilesConfig, logger: Logger) =>
        new DatabaseSizes(
          databaseOwners(config.FILES_DATABASE_OWNERS, (contract, payload, options) => requests.request(contract, payload, options)),
          {
            root: config.FILES_ROOT,
            ttlMs: config.FILES_DATABASE_SIZE_TTL_MS,
            timeoutMs: config.FILES_DATABASE_SIZE_TIMEOUT_MS,
            stateFile: join(config.FILES_ROOT, '.retention', 'database-sizes.json'),
          },
          logger,
        ),
    },
    FilesService,
    FilesMetrics,
  ],
})
export class FilesModule {}
