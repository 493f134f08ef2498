import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { EditEntity } from '../entities/edit.entity.js';

@Injectable()
export class EditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(EditEntity);
  }

  byId(id: number): Promise<EditEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byNaturalKey(key: Pick<EditEntity, 'videoId' | 'editor' | 'platformProfile'>): Promise<EditEntity | null> {
    return this.repo.findOneBy(key);
  }

  async insert(fields: Omit<EditEntity, 'id'>): Promise<EditEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
