import {
  CatalogChannelSetV1,
  CatalogChannelSyncV1,
  CatalogPublicationGetV1,
  CatalogPublicationRecordV1,
  CatalogQuotaReserveV1,
  CatalogUploadClaimV1,
  CatalogUploadContextV1,
  CatalogUploadUpdateV1,
  type CatalogChannelSetRequestV1,
  type CatalogPublicationGetResponseV1,
  type CatalogPublicationRecordRequestV1,
  type CatalogQuotaReserveRequestV1,
  type CatalogQuotaReserveResponseV1,
  type CatalogUploadClaimRequestV1,
  type CatalogUploadContextResponseV1,
  type CatalogUploadUpdateRequestV1,
  type ChannelV1,
  type UploadV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the publisher needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** The edit with its story, trend and article; null when the catalog does not know the edit. */
  async uploadContext(editId: number, platform: string): Promise<CatalogUploadContextResponseV1 | null> {
    return this.requests.requestOrNull(CatalogUploadContextV1, { editId, platform });
  }

  async syncChannels(platform: string, names: string[]): Promise<ChannelV1[]> {
    return (await this.requests.request(CatalogChannelSyncV1, { platform, names })).channels;
  }

  async setChannel(request: CatalogChannelSetRequestV1): Promise<ChannelV1> {
    return (await this.requests.request(CatalogChannelSetV1, request)).channel;
  }

  reserveQuota(request: CatalogQuotaReserveRequestV1): Promise<CatalogQuotaReserveResponseV1> {
    return this.requests.request(CatalogQuotaReserveV1, request);
  }

  async claimUpload(request: CatalogUploadClaimRequestV1): Promise<UploadV1> {
    return (await this.requests.request(CatalogUploadClaimV1, request)).upload;
  }

  async updateUpload(request: CatalogUploadUpdateRequestV1): Promise<UploadV1> {
    return (await this.requests.request(CatalogUploadUpdateV1, request)).upload;
  }

  recordPublication(request: CatalogPublicationRecordRequestV1): Promise<{ publicationId: number; created: boolean }> {
    return this.requests.request(CatalogPublicationRecordV1, request);
  }

  getPublication(publicationId: number): Promise<CatalogPublicationGetResponseV1> {
    return this.requests.request(CatalogPublicationGetV1, { publicationId, metricsLimit: 0 });
  }
}
