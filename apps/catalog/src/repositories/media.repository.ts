import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { MediaEntity } from '../entities/media.entity.js';

export type MediaFields = Omit<MediaEntity, 'id'>;
export type MediaPatch = Partial<Pick<MediaEntity, 'fileKey' | 'bytes' | 'sha256' | 'width' | 'height' | 'durationS' | 'contentType' | 'caption' | 'status' | 'error'>>;

@Injectable()
export class MediaRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(MediaEntity);
  }

  byId(id: number): Promise<MediaEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byPosition(articleId: number, position: number): Promise<MediaEntity | null> {
    return this.repo.findOneBy({ articleId, position });
  }

  listByArticle(articleId: number): Promise<MediaEntity[]> {
    return this.repo.find({ where: { articleId }, order: { position: 'ASC' } });
  }

  async insert(fields: MediaFields): Promise<MediaEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async update(id: number, patch: MediaPatch & { updatedAt: Date }): Promise<void> {
    await this.repo.createQueryBuilder().update().set(patch).where('id = :id', { id }).execute();
  }
}
