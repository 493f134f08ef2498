import {
  CatalogArticleGetV1,
  CatalogVideoCreateV1,
  CatalogVideoJobLatestV1,
  CatalogVideoJobRecordV1,
  type CatalogArticleGetResponseV1,
  type CatalogVideoCreateRequestV1,
  type CatalogVideoCreateResponseV1,
  type CatalogVideoJobLatestRequestV1,
  type CatalogVideoJobRecordRequestV1,
  type CatalogVideoJobRecordResponseV1,
  type VideoJobV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the avgen stage needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** The article with its media; null when the catalog does not know the id. */
  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    return this.requests.requestOrNull(CatalogArticleGetV1, { articleId });
  }

  async latestJob(key: CatalogVideoJobLatestRequestV1): Promise<VideoJobV1 | null> {
    return (await this.requests.request(CatalogVideoJobLatestV1, key)).job;
  }

  recordJob(request: CatalogVideoJobRecordRequestV1): Promise<CatalogVideoJobRecordResponseV1> {
    return this.requests.request(CatalogVideoJobRecordV1, request);
  }

  createVideo(request: CatalogVideoCreateRequestV1): Promise<CatalogVideoCreateResponseV1> {
    return this.requests.request(CatalogVideoCreateV1, request);
  }
}
