import { CatalogArticleEmbeddedV1, CatalogArticleGetV1, type CatalogArticleEmbeddedRequestV1, type CatalogArticleGetResponseV1 } from '#contracts';
import { RemoteError, RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the embedder needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** The article with its media in article order; null when the catalog does not know the id. */
  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    try {
      return await this.requests.request(CatalogArticleGetV1, { articleId });
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'not-found') return null;
      throw error;
    }
  }

  /** Marks the article embedded (per space, idempotent); the catalog keeps the first time. */
  async recordEmbedded(request: CatalogArticleEmbeddedRequestV1): Promise<void> {
    await this.requests.request(CatalogArticleEmbeddedV1, request);
  }
}
