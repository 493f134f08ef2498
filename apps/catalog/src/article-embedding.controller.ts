import { CatalogArticleEmbeddedV1, type RequestOf, type ResponseOf } from '#contracts';
import { OnRequest, RequestError } from '#messaging';
import { Controller } from '@nestjs/common';
import { ArticleEmbeddingService } from './article-embedding.service.js';
import { CatalogError } from './catalog.errors.js';

/** The embedder's record of what it wrote for an article (`catalog.article.embedded.v1`). */
@Controller()
export class ArticleEmbeddingController {
  constructor(private readonly embeddings: ArticleEmbeddingService) {}

  @OnRequest(CatalogArticleEmbeddedV1)
  async recordEmbedded(request: RequestOf<typeof CatalogArticleEmbeddedV1>): Promise<ResponseOf<typeof CatalogArticleEmbeddedV1>> {
    try {
      return await this.embeddings.record(request);
    } catch (error) {
      if (error instanceof CatalogError) throw new RequestError(error.code, error.message);
      throw error;
    }
  }
}
