import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CategoryEntity } from '../entities/category.entity.js';

/** The category master table. It changes only by migration, so one read per process is enough. */
@Injectable()
export class CategoryRepository {
  private cached: Promise<CategoryEntity[]> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<CategoryEntity[]> {
    this.cached ??= this.dataSource
      .getRepository(CategoryEntity)
      .find({ order: { sortOrder: 'ASC', id: 'ASC' } })
      .catch((error: unknown) => {
        this.cached = null;
        throw error;
      });
    return this.cached;
  }

  async bySlug(slug: string): Promise<CategoryEntity | null> {
    return (await this.list()).find((c) => c.slug === slug) ?? null;
  }

  async byId(id: number): Promise<CategoryEntity | null> {
    return (await this.list()).find((c) => c.id === id) ?? null;
  }
}
