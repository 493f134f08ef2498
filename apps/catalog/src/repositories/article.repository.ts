import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { ArticleAliasEntity } from '../entities/article-alias.entity.js';
import { ArticleEntity } from '../entities/article.entity.js';

export type ArticleFields = Omit<ArticleEntity, 'id'>;

export interface ArticleListQuery {
  categoryId: number | null;
  by: 'scraped' | 'published';
  from: Date;
  to: Date;
  limit: number;
  /** Keyset position of the last row of the previous page (newest first). */
  after: { at: Date; id: number } | null;
}

@Injectable()
export class ArticleRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ArticleEntity);
  }

  byId(id: number): Promise<ArticleEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byUrlHash(urlHash: string): Promise<ArticleEntity | null> {
    return this.repo.findOneBy({ urlHash });
  }

  byContentHash(contentHash: string): Promise<ArticleEntity | null> {
    return this.repo.findOneBy({ contentHash });
  }

  /** By canonical URL hash, the article's own or one of its aliases. */
  async byAnyUrlHash(urlHash: string): Promise<ArticleEntity | null> {
    const own = await this.byUrlHash(urlHash);
    if (own) return own;
    const alias = await this.dataSource.getRepository(ArticleAliasEntity).findOneBy({ urlHash });
    return alias ? this.byId(alias.articleId) : null;
  }

  async insert(fields: ArticleFields): Promise<ArticleEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /**
   * Sets the text file fields only while they are unset (or the upsert gave the key alone), so a
   * concurrent set cannot flip them.
   */
  async setAnnouncedIfEmpty(id: number, at: Date): Promise<void> {
    await this.repo.createQueryBuilder().update().set({ announcedAt: at }).where('id = :id AND announced_at IS NULL', { id }).execute();
  }

  async setTextIfEmpty(id: number, text: { textKey: string; textBytes: number; textSha256: string }): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set(text)
      .where('id = :id AND (text_key IS NULL OR (text_key = :textKey AND text_sha256 IS NULL))', { id, textKey: text.textKey })
      .execute();
  }

  async insertAlias(fields: Omit<ArticleAliasEntity, 'id'>): Promise<void> {
    await this.dataSource.getRepository(ArticleAliasEntity).createQueryBuilder().insert().values(fields).execute();
  }

  /** Newest first by (time, id); the index (category_id, <time>, id) serves both the filter and the order. */
  list(query: ArticleListQuery): Promise<ArticleEntity[]> {
    const column = query.by === 'published' ? 'a.published_at' : 'a.scraped_at';
    const qb = this.repo
      .createQueryBuilder('a')
      .where(`${column} >= :from AND ${column} < :to`, { from: query.from, to: query.to })
      .orderBy(column, 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(query.limit);
    if (query.categoryId !== null) qb.andWhere('a.category_id = :categoryId', { categoryId: query.categoryId });
    if (query.after) {
      qb.andWhere(`(${column} < :afterAt OR (${column} = :afterAt AND a.id < :afterId))`, {
        afterAt: query.after.at,
        afterId: query.after.id,
      });
    }
    return qb.getMany();
  }
}
