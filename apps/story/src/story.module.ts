import { FilesClient } from '#files-client';
import { ChatClient } from '#llm';
import { APP_ENV, APP_LOGGER, RequestClient } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog.client.js';
import { ModelStoryWriter } from './model.writer.js';
import { PromptTemplates } from './prompt-templates.js';
import { loadStoryConfig, STORY_CONFIG, STORY_WRITER, type StoryConfig } from './story.config.js';
import { StoryHandler } from './story.handler.js';
import { StoryService } from './story.service.js';
import type { StoryWriter } from './story.types.js';
import { TemplateStoryWriter } from './template.writer.js';

class FilesClientCloser implements OnApplicationShutdown {
  constructor(@Inject(FilesClient) private readonly files: FilesClient) {}

  onApplicationShutdown(): void {
    this.files.close();
  }
}

function createWriter(config: StoryConfig, log: winston.Logger): StoryWriter {
  if (config.backend === 'standin') {
    log.info('writing stories with the template stand-in (no model): records say standin-template');
    return new TemplateStoryWriter();
  }
  const client = new ChatClient({
    baseUrl: config.llm.url!,
    model: config.llm.model!,
    apiKey: config.llm.apiKey,
    backend: config.llm.server,
    timeoutMs: config.llm.timeoutMs,
    retry: { maxRetries: config.llm.maxRetries },
    contextTokens: config.llm.contextTokens,
    log,
  });
  log.info(`writing stories with ${client.model} at ${client.shownEndpoint} (${client.backend} dialect, ${config.llm.contextTokens}-token context, ${config.llm.draft} draft)`);
  return new ModelStoryWriter(client, { contextTokens: config.llm.contextTokens, maxTokens: config.llm.maxTokens, images: config.llm.images, draft: config.llm.draft });
}

@Module({
  controllers: [StoryHandler],
  providers: [
    { provide: STORY_CONFIG, inject: [APP_ENV], useFactory: (env: NodeJS.ProcessEnv) => loadStoryConfig(env) },
    { provide: STORY_WRITER, inject: [STORY_CONFIG, APP_LOGGER], useFactory: createWriter },
    { provide: PromptTemplates, inject: [STORY_CONFIG], useFactory: (config: StoryConfig) => new PromptTemplates(config.promptsDir, config.language) },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    FilesClientCloser,
    CatalogClient,
    StoryService,
  ],
})
export class StoryModule {}
