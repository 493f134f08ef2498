import { CatalogArticleEmbeddedV1, CatalogArticleGetV1, type CatalogArticleEmbeddedRequestV1, type CatalogArticleGetResponseV1 } from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the embedder needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** The article with its media in article order; null when the catalog does not know the id. */
  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    return this.requests.requestOrNull(CatalogArticleGetV1, { articleId });
  }

  /** Marks the article embedded (per space, idempotent); the catalog keeps the first time. */
  async recordEmbedded(request: CatalogArticleEmbeddedRequestV1): Promise<void> {
    await this.requests.request(CatalogArticleEmbeddedV1, request);
  }
}
