import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { VideoEntity } from '../entities/video.entity.js';

@Injectable()
export class VideoRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(VideoEntity);
  }

  byId(id: number): Promise<VideoEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byNaturalKey(key: Pick<VideoEntity, 'storyId' | 'model' | 'variant'>): Promise<VideoEntity | null> {
    return this.repo.findOneBy(key);
  }

  async insert(fields: Omit<VideoEntity, 'id'>): Promise<VideoEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
