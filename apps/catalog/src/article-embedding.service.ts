import type { CatalogArticleEmbeddedRequestV1, CatalogArticleEmbeddedResponseV1 } from '#contracts';
import { Injectable } from '@nestjs/common';
import { notFound } from './catalog.errors.js';
import { insertOnce } from './database/insert-once.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { ArticleEmbeddingRepository } from './repositories/article-embedding.repository.js';

/** What the embedder stage wrote for an article, per vector space; the vectors live in the vector service. */
@Injectable()
export class ArticleEmbeddingService {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly embeddings: ArticleEmbeddingRepository,
  ) {}

  async record(request: CatalogArticleEmbeddedRequestV1): Promise<CatalogArticleEmbeddedResponseV1> {
    if (!(await this.articles.byId(request.articleId))) throw notFound(`article ${request.articleId}`);
    const at = new Date(request.embeddedAt);
    const spaces: CatalogArticleEmbeddedResponseV1['spaces'] = [];
    for (const item of request.spaces) {
      const fields = { model: item.model, dim: item.dim, vectors: item.vectors, failedParts: item.failedParts, standIn: request.standIn };
      const { row, created } = await insertOnce(
        () => this.embeddings.byArticleAndSpace(request.articleId, item.space),
        () => this.embeddings.insert({ articleId: request.articleId, space: item.space, ...fields, embeddedAt: at, updatedAt: at }),
      );
      // A repeat (a redelivery, a re-run) keeps the first time and records the latest outcome.
      const updatedAt = created ? row.updatedAt : new Date(Math.max(at.getTime(), row.updatedAt.getTime()));
      if (!created) await this.embeddings.update(row.id, { ...fields, updatedAt });
      spaces.push({
        space: item.space,
        ...fields,
        embeddedAt: row.embeddedAt.toISOString(),
        updatedAt: updatedAt.toISOString(),
        created,
      });
    }
    return { articleId: request.articleId, spaces };
  }
}
