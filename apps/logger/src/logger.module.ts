import { loadEnv } from '#config';
import { openDatabase } from '#database';
import { APP_ENV } from '#messaging';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { z } from 'zod';
import { DeadLetterLogEntity } from './entities/dead-letter-log.entity.js';
import { EventLogEntity } from './entities/event-log.entity.js';
import { EventDailyCountEntity } from './entities/event-daily-count.entity.js';
import { EventKeysHandler } from './event-keys.handler.js';
import { LogQueryHandler } from './log-query.handler.js';
import { LogQueryService } from './log-query.service.js';
import { LoggerHandler } from './logger.handler.js';
import { LogRepository } from './log.repository.js';
import { LoggerStorageSizeHandler } from './storage-size.handler.js';
import { CreateLogTables1764150000000 } from './migrations/1764150000000-create-log-tables.js';
import { CreateEventDailyCount1795990369322 } from './migrations/1795990369322-create-event-daily-count.js';

export const LoggerEnv = {
  DATA_DIR: z.string().default('.data'),
  /** `sqlite:<path>` by default; `mysql://user:pass@host:3306/logs` in production. */
  LOG_DB_URL: z.string().optional(),
};

export function logDatabaseUrl(env: NodeJS.ProcessEnv): string {
  const config = loadEnv(LoggerEnv, env);
  return config.LOG_DB_URL ?? `sqlite:${join(config.DATA_DIR, 'logs.sqlite')}`;
}

export const LOG_ENTITIES = [EventLogEntity, DeadLetterLogEntity, EventDailyCountEntity];
export const LOG_MIGRATIONS = [CreateLogTables1764150000000, CreateEventDailyCount1795990369322];

@Module({
  controllers: [LoggerHandler, LogQueryHandler, LoggerStorageSizeHandler, EventKeysHandler],
  providers: [
    {
      provide: LogRepository,
      inject: [APP_ENV],
      useFactory: async (env: NodeJS.ProcessEnv) =>
        new LogRepository(await openDatabase({ url: logDatabaseUrl(env), entities: LOG_ENTITIES, migrations: LOG_MIGRATIONS })),
    },
    { provide: LogQueryService, inject: [LogRepository], useFactory: (log: LogRepository) => new LogQueryService(log.dataSource) },
  ],
})
export class LoggerModule implements OnApplicationShutdown {
  constructor(@Inject(LogRepository) private readonly log: LogRepository) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.log.dataSource.isInitialized) await this.log.dataSource.destroy();
  }
}
