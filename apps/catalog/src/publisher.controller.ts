import {
  CatalogChannelSetV1,
  CatalogChannelSyncV1,
  CatalogMetricDailyV1,
  CatalogPublicationStatusV1,
  CatalogQuotaReserveV1,
  CatalogQuotaUsageV1,
  CatalogUploadClaimV1,
  CatalogUploadContextV1,
  CatalogUploadUpdateV1,
  type RequestOf,
  type ResponseOf,
} from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { PublisherCatalogService } from './publisher.service.js';

type Req<C> = RequestOf<C>;
type Res<C> = Promise<ResponseOf<C>>;

/** The publisher's and metrics stage's catalog requests: channels, quota ledger, uploads, daily views. */
@Controller()
export class PublisherCatalogController {
  constructor(private readonly service: PublisherCatalogService) {}

  @OnRequest(CatalogChannelSyncV1)
  syncChannels(request: Req<typeof CatalogChannelSyncV1>): Res<typeof CatalogChannelSyncV1> {
    return this.service.syncChannels(request.platform, request.names);
  }

  @OnRequest(CatalogChannelSetV1)
  async setChannel(request: Req<typeof CatalogChannelSetV1>): Res<typeof CatalogChannelSetV1> {
    return { channel: await this.service.setChannel(request) };
  }

  @OnRequest(CatalogQuotaReserveV1)
  reserveQuota(request: Req<typeof CatalogQuotaReserveV1>): Res<typeof CatalogQuotaReserveV1> {
    return this.service.reserveQuota(request);
  }

  @OnRequest(CatalogQuotaUsageV1)
  quotaUsage(request: Req<typeof CatalogQuotaUsageV1>): Res<typeof CatalogQuotaUsageV1> {
    return this.service.quotaUsage(request.platform, request.channel, request.day);
  }

  @OnRequest(CatalogUploadContextV1)
  uploadContext(request: Req<typeof CatalogUploadContextV1>): Res<typeof CatalogUploadContextV1> {
    return this.service.uploadContext(request.editId, request.platform);
  }

  @OnRequest(CatalogUploadClaimV1)
  claimUpload(request: Req<typeof CatalogUploadClaimV1>): Res<typeof CatalogUploadClaimV1> {
    return this.service.claimUpload(request);
  }

  @OnRequest(CatalogUploadUpdateV1)
  async updateUpload(request: Req<typeof CatalogUploadUpdateV1>): Res<typeof CatalogUploadUpdateV1> {
    return { upload: await this.service.updateUpload(request) };
  }

  @OnRequest(CatalogPublicationStatusV1)
  publicationStatus(request: Req<typeof CatalogPublicationStatusV1>): Res<typeof CatalogPublicationStatusV1> {
    return this.service.setPublicationStatus(request);
  }

  @OnRequest(CatalogMetricDailyV1)
  addDaily(request: Req<typeof CatalogMetricDailyV1>): Res<typeof CatalogMetricDailyV1> {
    return this.service.addDaily(request);
  }
}
