import { CatalogArticleEmbeddedV1, type RequestOf, type ResponseOf } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { ArticleEmbeddingService } from './article-embedding.service.js';

/** The embedder's record of what it wrote for an article (`catalog.article.embedded.v1`). */
@Controller()
export class ArticleEmbeddingController {
  constructor(private readonly embeddings: ArticleEmbeddingService) {}

  @OnRequest(CatalogArticleEmbeddedV1)
  async recordEmbedded(request: RequestOf<typeof CatalogArticleEmbeddedV1>): Promise<ResponseOf<typeof CatalogArticleEmbeddedV1>> {
    return this.embeddings.record(request);
  }
}
