import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { ArticleEmbeddingEntity } from '../entities/article-embedding.entity.js';

export type ArticleEmbeddingFields = Omit<ArticleEmbeddingEntity, 'id'>;
export type ArticleEmbeddingPatch = Pick<ArticleEmbeddingEntity, 'model' | 'dim' | 'vectors' | 'failedParts' | 'standIn' | 'updatedAt'>;

@Injectable()
export class ArticleEmbeddingRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ArticleEmbeddingEntity);
  }

  byArticleAndSpace(articleId: number, space: string): Promise<ArticleEmbeddingEntity | null> {
    return this.repo.findOneBy({ articleId, space });
  }

  listByArticle(articleId: number): Promise<ArticleEmbeddingEntity[]> {
    return this.repo.find({ where: { articleId }, order: { space: 'ASC' } });
  }

  async insert(fields: ArticleEmbeddingFields): Promise<ArticleEmbeddingEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async update(id: number, patch: ArticleEmbeddingPatch): Promise<void> {
    await this.repo.createQueryBuilder().update().set(patch).where('id = :id', { id }).execute();
  }
}
