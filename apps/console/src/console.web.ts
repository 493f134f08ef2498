import { FilesClient } from '#files-client';
import { APP_ENV, APP_LOGGER, NATS_CONNECTION, Namespace, RequestClient } from '#messaging';
import type { NatsConnection } from '@nats-io/transport-node';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'winston';
import { loadEnv, CommonEnv } from '#config';
import { loadConsoleConfig, type ConsoleConfig } from './console.config.js';
import { ConsoleHttpServer } from './console.http-server.js';
import { ContentService } from './content.service.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { DeadLetterService } from './dead-letters.service.js';
import { MonitorClient } from './monitor.client.js';
import { PipelineService } from './pipeline.service.js';

/** Starts the console's web server once the app is up; stops it first on shutdown. */
@Injectable()
export class ConsoleWeb implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: ConsoleHttpServer | null = null;
  private warmTimer: NodeJS.Timeout | null = null;
  private readonly files: FilesClient;
  readonly config: ConsoleConfig;
  /** The address it listens on (tests read it). */
  url: string | null = null;

  constructor(
    @Inject(APP_ENV) private readonly env: NodeJS.ProcessEnv,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    this.config = loadConsoleConfig(env);
    this.files = new FilesClient({ request: (contract, payload, options) => requests.request(contract, payload, options) });
  }

  async onApplicationBootstrap(): Promise<void> {
    const common = loadEnv(CommonEnv, this.env);
    const ns = new Namespace(this.config.namespace);
    const streams = new Set([ns.stream('PIPELINE'), ns.stream('DLQ')]);
    const pipeline = new PipelineService(this.requests, new MonitorClient(this.config.monitorUrl), streams, this.config.behindPending);
    this.server = new ConsoleHttpServer(
      {
        pipeline,
        content: new ContentService(this.requests),
        deadLetters: new DeadLetterService(await createDeadLetterQueue(this.nc, this.config.namespace), this.requests),
        files: this.files,
      },
      this.config.token,
      this.logger,
    );
    this.url = await this.server.listen(this.config.host, this.config.port);
    if (this.config.generatedToken) {
      // A made-up token goes to a file only the user can read, never into the log.
      mkdirSync(common.DATA_DIR, { recursive: true });
      const file = join(common.DATA_DIR, 'console.token');
      writeFileSync(file, `${this.config.token}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      this.logger.info(`console: ${this.url}/ (log in with the token in ${file}, or set CONSOLE_TOKEN)`);
    } else {
      this.logger.info(`console: ${this.url}/ (log in with CONSOLE_TOKEN)`);
    }
    this.warmDaily(pipeline);
  }

  /** The daily counts warmed now and every day after midnight UTC (see PipelineService.warm). */
  private warmDaily(pipeline: PipelineService): void {
    if (!this.config.warmCounts) return;
    const warm = (): void => {
      pipeline.warm().then(
        () => this.logger.debug('console: the funnel\'s finished days are counted'),
        (error: Error) => this.logger.warn(`console: could not warm the funnel's daily counts (${error.message}); the first look will count them`),
      );
    };
    warm();
    const next = (): void => {
      const day = 86_400_000;
      const wait = Math.floor(Date.now() / day) * day + day + 20 * 60_000 - Date.now();
      this.warmTimer = setTimeout(() => {
        warm();
        next();
      }, wait);
      this.warmTimer.unref();
    };
    next();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    await this.server?.close();
    this.files.close();
  }
}
