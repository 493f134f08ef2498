import { createLogger } from '#logging';
import { APP_ENV, RequestClient, APP_LOGGER } from '#messaging';
import { Module } from '@nestjs/common';
import { CatalogRegistryClient } from './catalog/catalog-registry.client.js';
import { FILES_CONFIG, loadFilesConfig, type FilesConfig } from './files.config.js';
import { FilesHandler } from './files.handler.js';
import { FilesMetrics } from './files.metrics.js';
import { FilesService } from './files.service.js';
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
    FilesService,
    FilesMetrics,
  ],
})
export class FilesModule {}
