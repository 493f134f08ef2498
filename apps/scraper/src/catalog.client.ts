import {
  CatalogArticleGetByUrlV1,
  CatalogArticleFingerprintV1,
  CatalogArticleGetV1,
  CatalogArticleNearDuplicateV1,
  CatalogArticleUpsertV1,
  CatalogCategoryListV1,
  CatalogMediaUpdateV1,
  CatalogArticleTextV1,
  CatalogArticleAnnouncedV1,
  type CatalogArticleTextRequestV1,
  CatalogSourceUpsertV1,
  type ArticleV1,
  type CatalogArticleGetResponseV1,
  type CatalogArticleNearDuplicateResponseV1,
  type CatalogArticleUpsertResponseV1,
  type CatalogMediaUpdateRequestV1,
  type CatalogSourceUpsertRequestV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import type { z } from 'zod';

/** What the scraper asks of the catalog (the only owner of the article rows). */
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  async categorySlugs(): Promise<string[]> {
    const { categories } = await this.requests.request(CatalogCategoryListV1, {});
    return categories.map((c) => c.slug);
  }

  async upsertSource(request: CatalogSourceUpsertRequestV1): Promise<void> {
    await this.requests.request(CatalogSourceUpsertV1, request);
  }

  async articleByUrl(url: string): Promise<ArticleV1 | null> {
    const { article } = await this.requests.request(CatalogArticleGetByUrlV1, { url, withMedia: false });
    return article;
  }

  async upsertArticle(request: z.input<typeof CatalogArticleUpsertV1.request>): Promise<CatalogArticleUpsertResponseV1> {
    // Upserts write a row and its media; on a busy MySQL that is slower than a lookup.
    return this.requests.request(CatalogArticleUpsertV1, request, { timeoutMs: 15_000 });
  }

  async article(articleId: number): Promise<CatalogArticleGetResponseV1> {
    return this.requests.request(CatalogArticleGetV1, { articleId });
  }

  async setArticleText(request: CatalogArticleTextRequestV1): Promise<void> {
    await this.requests.request(CatalogArticleTextV1, request);
  }

  /** After the article.stored publish is acked: the catalog remembers the article was announced. */
  async markAnnounced(articleId: number): Promise<void> {
    await this.requests.request(CatalogArticleAnnouncedV1, { articleId });
  }

  /** Idempotent; `conflict` (a RemoteError) when the article already has another fingerprint. */
  async recordFingerprint(articleId: number, simhash: string): Promise<void> {
    await this.requests.request(CatalogArticleFingerprintV1, { articleId, simhash });
  }

  async nearDuplicate(simhash: string, maxDistance: number): Promise<CatalogArticleNearDuplicateResponseV1['match']> {
    const { match } = await this.requests.request(CatalogArticleNearDuplicateV1, { simhash, maxDistance });
    return match;
  }

  async updateMedia(request: CatalogMediaUpdateRequestV1): Promise<void> {
    await this.requests.request(CatalogMediaUpdateV1, request);
  }
}
