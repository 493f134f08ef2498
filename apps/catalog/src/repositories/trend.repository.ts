import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { ArticleEntity } from '../entities/article.entity.js';
import { TrendArticleEntity } from '../entities/trend-article.entity.js';
import { TrendEntity } from '../entities/trend.entity.js';

@Injectable()
export class TrendRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(TrendEntity);
  }

  byId(id: number): Promise<TrendEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byHash(trendHash: string): Promise<TrendEntity | null> {
    return this.repo.findOneBy({ trendHash });
  }

  async insert(fields: Omit<TrendEntity, 'id'>): Promise<TrendEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /** The ids among `ids` that name no article. */
  async missingArticles(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const found = await this.dataSource.getRepository(ArticleEntity).find({ select: { id: true }, where: { id: In(ids) } });
    const present = new Set(found.map((a) => a.id));
    return ids.filter((id) => !present.has(id));
  }

  /** Adds the missing (trend, article) links; a link another replica added meanwhile is fine. */
  async link(trendId: number, articleIds: number[]): Promise<void> {
    const links = this.dataSource.getRepository(TrendArticleEntity);
    const existing = new Set((await links.find({ select: { articleId: true }, where: { trendId } })).map((l) => l.articleId));
    for (const articleId of new Set(articleIds)) {
      if (existing.has(articleId)) continue;
      try {
        await links.createQueryBuilder().insert().values({ trendId, articleId }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
}
