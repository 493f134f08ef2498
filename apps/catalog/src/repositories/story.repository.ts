import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

  async insert(fields: Omit<StoryEntity, 'id'>): Promise<StoryEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
