import { FilesClient } from '#files-client';
import { ChatClient } from '#llm';
import { APP_ENV, APP_LOGGER, RequestClient } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog.client.js';
import { EDITOR_CONFIG, loadEditorConfig, REVIEW_CHAT, type EditorConfig } from './editor.config.js';
import { EditorHandler } from './editor.handler.js';
import { EditorService } from './editor.service.js';

/** Closes the pooled connections of the files client when the app stops. */
class FilesClientCloser implements OnApplicationShutdown {
  constructor(@Inject(FilesClient) private readonly files: FilesClient) {}

  onApplicationShutdown(): void {
    this.files.close();
  }
}

@Module({
  controllers: [EditorHandler],
  providers: [
    {
      provide: EDITOR_CONFIG,
      inject: [APP_ENV, APP_LOGGER],
      useFactory: (env: NodeJS.ProcessEnv, logger: winston.Logger) => {
        const config = loadEditorConfig(env);
        logger.info(
          `editing for ${config.profile.name} (${config.profile.width}x${config.profile.height}, ≤ ${config.profile.maxDurationS} s, ${config.profile.loudnessLufs} LUFS) ` +
            `with the ${config.planner === 'model' ? `model planner (${config.llm?.model})` : 'heuristic planner (standin-ffmpeg-editor)'}`,
        );
        return config;
      },
    },
    {
      provide: REVIEW_CHAT,
      inject: [EDITOR_CONFIG, APP_LOGGER],
      useFactory: (config: EditorConfig, log: winston.Logger) => {
        if (!config.llm) return null;
        return new ChatClient({
          baseUrl: config.llm.url,
          model: config.llm.model,
          apiKey: config.llm.apiKey,
          backend: config.llm.server,
          timeoutMs: config.llm.timeoutMs,
          retry: { maxRetries: config.llm.maxRetries },
          log,
        });
      },
    },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    FilesClientCloser,
    CatalogClient,
    EditorService,
  ],
})
export class EditorModule {}
