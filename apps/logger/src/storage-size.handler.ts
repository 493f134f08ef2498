import { LoggerStorageSizeV1, type ResponseOf } from '#contracts';
import { databaseStorageSize, storageSizeResponse } from '#database';
import { OnRequest } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { LogRepository } from './log.repository.js';

/** `logger.storage.size.v1`: what the log DB occupies, for the files service's cap. */
@Controller()
export class LoggerStorageSizeHandler {
  constructor(@Inject(LogRepository) private readonly log: LogRepository) {}

  @OnRequest(LoggerStorageSizeV1)
  async size(): Promise<ResponseOf<typeof LoggerStorageSizeV1>> {
    return storageSizeResponse('logger', [await databaseStorageSize(this.log.dataSource)]);
  }
}
