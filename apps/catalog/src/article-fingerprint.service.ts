import type {
  CatalogArticleFingerprintRequestV1,
  CatalogArticleFingerprintResponseV1,
  CatalogArticleNearDuplicateRequestV1,
  CatalogArticleNearDuplicateResponseV1,
} from '#contracts';
import { Injectable } from '@nestjs/common';
import { CatalogError, notFound } from './catalog.errors.js';
import { isForeignKeyViolation } from './database/db-errors.js';
import { insertOnce } from './database/insert-once.js';
import { ArticleFingerprintRepository } from './repositories/article-fingerprint.repository.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { bandsOf, hammingHex, MAX_INDEXED_DISTANCE } from './simhash-bands.js';

/** Articles' SimHashes, for linking a near-duplicate (a syndicated copy) seen in any later run. */
@Injectable()
export class ArticleFingerprintService {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly fingerprints: ArticleFingerprintRepository,
  ) {}

  async record(request: CatalogArticleFingerprintRequestV1): Promise<CatalogArticleFingerprintResponseV1> {
    const { articleId, simhash } = request;
    if (!(await this.articles.byId(articleId))) throw notFound(`article ${articleId}`);
    const [band0, band1, band2, band3] = bandsOf(simhash);
    let once;
    try {
      once = await insertOnce(
        () => this.fingerprints.byArticle(articleId),
        () => this.fingerprints.insert({ articleId, simhash, band0, band1, band2, band3, createdAt: new Date() }),
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFound(`article ${articleId}`);
      throw error;
    }
    // The first fingerprint stays: a later one would silently move which copies link to this article.
    if (once.row.simhash !== simhash) {
      throw new CatalogError('conflict', `article ${articleId} already has SimHash ${once.row.simhash}, not ${simhash}`);
    }
    return { articleId, simhash, created: once.created };
  }

  async nearDuplicate(request: CatalogArticleNearDuplicateRequestV1): Promise<CatalogArticleNearDuplicateResponseV1> {
    const { simhash, maxDistance } = request;
    if (maxDistance > MAX_INDEXED_DISTANCE) {
      throw new CatalogError('invalid', `maxDistance ${maxDistance} is more than the band index can find (${MAX_INDEXED_DISTANCE})`);
    }
    let match: { articleId: number; distance: number } | null = null;
    for (const candidate of await this.fingerprints.withAnyBand(bandsOf(simhash))) {
      const distance = hammingHex(simhash, candidate.simhash);
      if (distance > maxDistance) continue;
      // Closest first; on a tie the oldest article, the one copies have been linked to so far.
      if (!match || distance < match.distance || (distance === match.distance && candidate.articleId < match.articleId)) {
        match = { articleId: candidate.articleId, distance };
      }
    }
    return { match };
  }
}
