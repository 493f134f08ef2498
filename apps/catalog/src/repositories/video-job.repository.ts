import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { VideoJobEntity } from '../entities/video-job.entity.js';

export type VideoJobKey = Pick<VideoJobEntity, 'storyId' | 'model' | 'variant' | 'part'>;

@Injectable()
export class VideoJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(VideoJobEntity);
  }

  latest(key: VideoJobKey): Promise<VideoJobEntity | null> {
    return this.repo.findOne({ where: key, order: { attempt: 'DESC' } });
  }

  byAttempt(key: VideoJobKey & { attempt: number }): Promise<VideoJobEntity | null> {
    return this.repo.findOneBy(key);
  }

  async insert(fields: Omit<VideoJobEntity, 'id'>): Promise<VideoJobEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async setStatus(id: number, status: string, error: string | null, updatedAt: Date): Promise<void> {
    await this.repo.update({ id }, { status, error, updatedAt });
  }
}
