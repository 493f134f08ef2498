import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArticleFingerprintEntity } from '../entities/article-fingerprint.entity.js';

@Injectable()
export class ArticleFingerprintRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ArticleFingerprintEntity);
  }

  byArticle(articleId: number): Promise<ArticleFingerprintEntity | null> {
    return this.repo.findOneBy({ articleId });
  }

  async insert(row: ArticleFingerprintEntity): Promise<ArticleFingerprintEntity> {
    await this.repo.createQueryBuilder().insert().values(row).execute();
    return row;
  }

  /** Rows sharing at least one band with these: each OR branch is an index probe. */
  withAnyBand(bands: readonly number[]): Promise<Pick<ArticleFingerprintEntity, 'articleId' | 'simhash'>[]> {
    return this.repo
      .createQueryBuilder('f')
      .select(['f.articleId', 'f.simhash'])
      .where('f.band0 = :b0 OR f.band1 = :b1 OR f.band2 = :b2 OR f.band3 = :b3', { b0: bands[0], b1: bands[1], b2: bands[2], b3: bands[3] })
      .getMany();
  }
}
