import { CatalogVideoJobLatestV1, CatalogVideoJobRecordV1, type RequestOf, type ResponseOf } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { VideoJobService } from './video-job.service.js';

/** catalog.videoJob.*: the AV generator's job ledger. */
@Controller()
export class VideoJobController {
  constructor(private readonly jobs: VideoJobService) {}

  @OnRequest(CatalogVideoJobLatestV1)
  latest(request: RequestOf<typeof CatalogVideoJobLatestV1>): Promise<ResponseOf<typeof CatalogVideoJobLatestV1>> {
    return this.jobs.latest(request);
  }

  @OnRequest(CatalogVideoJobRecordV1)
  record(request: RequestOf<typeof CatalogVideoJobRecordV1>): Promise<ResponseOf<typeof CatalogVideoJobRecordV1>> {
    return this.jobs.record(request);
  }
}
