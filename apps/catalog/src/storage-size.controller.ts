import { CatalogStorageSizeV1, type ResponseOf } from '#contracts';
import { databaseStorageSize, storageSizeResponse } from '#database';
import { OnRequest } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** `catalog.storage.size.v1`: what the catalog database occupies, for the files service's cap. */
@Controller()
export class CatalogStorageSizeController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @OnRequest(CatalogStorageSizeV1)
  async size(): Promise<ResponseOf<typeof CatalogStorageSizeV1>> {
    return storageSizeResponse('catalog', [await databaseStorageSize(this.dataSource)]);
  }
}
