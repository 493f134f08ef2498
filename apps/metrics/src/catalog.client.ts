import {
  CatalogChannelSetV1,
  CatalogMetricAddV1,
  CatalogMetricDailyV1,
  CatalogPublicationListV1,
  CatalogPublicationStatusV1,
  CatalogQuotaReserveV1,
  type CatalogChannelSetRequestV1,
  type CatalogMetricAddRequestV1,
  type CatalogMetricDailyRequestV1,
  type CatalogPublicationStatusRequestV1,
  type CatalogQuotaReserveRequestV1,
  type CatalogPublicationListResponseV1,
  type PublicationV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the metrics stage needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** Every publication of a platform published in [from, to), newest first, page by page. */
  async *publications(platform: string, from: Date, to: Date): AsyncGenerator<PublicationV1> {
    let cursor: string | null = null;
    do {
      const page: CatalogPublicationListResponseV1 = await this.requests.request(CatalogPublicationListV1, { platform, from: from.toISOString(), to: to.toISOString(), pageSize: 500, cursor });
      yield* page.publications;
      cursor = page.nextCursor;
    } while (cursor);
  }

  addMetric(request: CatalogMetricAddRequestV1): Promise<{ snapshotId: number; created: boolean }> {
    return this.requests.request(CatalogMetricAddV1, request);
  }

  addDaily(request: CatalogMetricDailyRequestV1): Promise<{ created: number; existing: number }> {
    return this.requests.request(CatalogMetricDailyV1, request);
  }

  async setStatus(request: CatalogPublicationStatusRequestV1): Promise<void> {
    await this.requests.request(CatalogPublicationStatusV1, request);
  }

  reserveQuota(request: CatalogQuotaReserveRequestV1): Promise<{ granted: boolean; used: number; limit: number }> {
    return this.requests.request(CatalogQuotaReserveV1, request);
  }

  async setChannel(request: CatalogChannelSetRequestV1): Promise<void> {
    await this.requests.request(CatalogChannelSetV1, request);
  }
}
