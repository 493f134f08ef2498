import { FilesClient } from '#files-client';
import { APP_ENV, APP_LOGGER, RequestClient } from '#messaging';
import type winston from 'winston';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AVGEN_CONFIG, loadAvgenConfig, type AvgenConfig } from './avgen.config.js';
import { AvgenHandler } from './avgen.handler.js';
import { AvgenService, SPEECH, VIDEO_JOBS } from './avgen.service.js';
import { CatalogClient } from './catalog.client.js';
import { SpeechClient } from './speech.client.js';
import { VideoJobClient } from './video-job.client.js';

/** Closes the pooled connections of the files client when the app stops. */
class FilesClientCloser implements OnApplicationShutdown {
  constructor(@Inject(FilesClient) private readonly files: FilesClient) {}

  onApplicationShutdown(): void {
    this.files.close();
  }
}

@Module({
  controllers: [AvgenHandler],
  providers: [
    {
      provide: AVGEN_CONFIG,
      inject: [APP_ENV, APP_LOGGER],
      useFactory: (env: NodeJS.ProcessEnv, logger: winston.Logger) => {
        const config = loadAvgenConfig(env);
        logger.info(
          config.model
            ? `videos from ${config.model.model} at ${config.model.url} (${config.model.granularity}, ≤ ${config.model.maxSeconds} s a job); narration for video-only models by ${config.speech ? `${config.speech.model} at ${config.speech.url}` : 'espeak-ng'}`
            : `videos from the embedded stand-in renderer (standin-ffmpeg), ${config.output.width}x${config.output.height}`,
        );
        return config;
      },
    },
    {
      provide: VIDEO_JOBS,
      inject: [AVGEN_CONFIG],
      useFactory: (config: AvgenConfig) =>
        config.model ? new VideoJobClient({ baseUrl: config.model.url, apiKey: config.model.apiKey, timeoutMs: config.httpTimeoutMs }) : null,
    },
    {
      provide: SPEECH,
      inject: [AVGEN_CONFIG],
      useFactory: (config: AvgenConfig) =>
        config.speech ? new SpeechClient({ baseUrl: config.speech.url, model: config.speech.model, voice: config.speech.voice, apiKey: config.speech.apiKey, timeoutMs: config.httpTimeoutMs }) : null,
    },
    {
      provide: FilesClient,
      inject: [RequestClient],
      useFactory: (requests: RequestClient) => new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) }),
    },
    FilesClientCloser,
    CatalogClient,
    AvgenService,
  ],
})
export class AvgenModule {}
