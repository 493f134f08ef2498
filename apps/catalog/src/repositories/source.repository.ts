import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { SourceEntity } from '../entities/source.entity.js';

export type SourceFields = Omit<SourceEntity, 'id'>;

@Injectable()
export class SourceRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SourceEntity);
  }

  byKey(key: string): Promise<SourceEntity | null> {
    return this.repo.findOneBy({ key });
  }

  async keysById(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repo.find({ select: { id: true, key: true }, where: { id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r.key]));
  }

  async insert(fields: SourceFields): Promise<SourceEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async update(id: number, fields: Pick<SourceEntity, 'name' | 'kind' | 'baseUrl' | 'lang' | 'defaultCategoryId' | 'updatedAt'>): Promise<void> {
    await this.repo.createQueryBuilder().update().set(fields).where('id = :id', { id }).execute();
  }
}
