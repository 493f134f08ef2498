import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrendEntity } from '../entities/trend.entity.js';
import { insertedId } from '../database/insert-id.js';
import { StoryEntity } from '../entities/story.entity.js';

@Injectable()
export class StoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(StoryEntity);
  }

  byId(id: number): Promise<StoryEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byNaturalKey(key: Pick<StoryEntity, 'trendId' | 'articleId' | 'model' | 'variant'>): Promise<StoryEntity | null> {
    return this.repo.findOneBy(key);
  }

  /** A trend's stories, at one variant when given, oldest first. */
  byTrend(trendId: number, variant?: number): Promise<StoryEntity[]> {
    return this.repo.find({ where: variant === undefined ? { trendId } : { trendId, variant }, order: { id: 'ASC' } });
  }

  /** Stories created in [since, until) whose trend has this category (null: no category). */
  async countByCategory(categoryId: number | null, since: Date, until: Date): Promise<number> {
    const query = this.repo
      .createQueryBuilder('story')
      .innerJoin(TrendEntity, 'trend', 'trend.id = story.trend_id')
      .where('story.created_at >= :since AND story.created_at < :until', { since, until });
    if (categoryId === null) query.andWhere('trend.category_id IS NULL');
    else query.andWhere('trend.category_id = :categoryId', { categoryId });
    return query.getCount();
  }

  async insert(fields: Omit<StoryEntity, 'id'>): Promise<StoryEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
