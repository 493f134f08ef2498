import { CatalogExternalTrendRecordV1 } from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';

/** The catalog as the snapshotter needs it: one request to record a snapshot. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  async record(snapshot: z.input<typeof CatalogExternalTrendRecordV1.request>): Promise<number> {
    return (await this.requests.request(CatalogExternalTrendRecordV1, snapshot)).snapshotId;
  }
}
