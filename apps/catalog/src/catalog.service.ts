import { APP_LOGGER } from '#messaging';
import type {
  ArticleV1,
  CatalogArticleGetByUrlResponseV1,
  CatalogArticleGetResponseV1,
  CatalogArticleListRequestV1,
  CatalogArticleListResponseV1,
  CatalogArticleTextRequestV1,
  CatalogArticleUpsertRequestV1,
  CatalogArticleUpsertResponseV1,
  CatalogMediaUpdateRequestV1,
  CatalogSourceUpsertRequestV1,
  CatalogSourceUpsertResponseV1,
  CategoryV1,
  MediaInputV1,
  MediaV1,
} from '#contracts';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { CatalogError, notFound } from './catalog.errors.js';
import { toArticleV1, toCategoryV1, toMediaV1 } from './catalog.mapper.js';

import { decodeCursor, encodeCursor } from './list-cursor.js';
import { canonicalUrl, InvalidUrlError, sha256Hex } from './canonical-url.js';
import { normaliseCategoryLabel } from './category-slugs.js';
import { isForeignKeyViolation, isTransient, isUniqueViolation } from './database/db-errors.js';
import { insertOnce } from './database/insert-once.js';
import type { ArticleEntity } from './entities/article.entity.js';
import type { CategoryEntity } from './entities/category.entity.js';
import { ArticleRepository } from './repositories/article.repository.js';
import { CategoryRepository } from './repositories/category.repository.js';
import { MediaRepository, type MediaPatch } from './repositories/media.repository.js';
import { SourceRepository } from './repositories/source.repository.js';

const MAX_URL = 2048;
const UPSERT_ATTEMPTS = 4;

interface MediaResult {
  mediaId: number;
  position: number;
  created: boolean;
}

/** Articles, their media, categories and sources: what the scraper writes and the stages read. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly categories: CategoryRepository,
    private readonly sources: SourceRepository,
    private readonly articles: ArticleRepository,
    private readonly media: MediaRepository,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
  ) {}

  async listCategories(): Promise<CategoryV1[]> {
    return (await this.categories.list()).map(toCategoryV1);
  }

  /**
   * Unknown labels are stored as `other` (an article is worth more than its label) and logged, so
   * a scraper sending a new label shows up in the logs instead of failing its articles.
   */
  async resolveCategory(label: string): Promise<CategoryEntity> {
    const known = await this.categories.bySlug(normaliseCategoryLabel(label));
    if (known) return known;
    this.logger.warn(`unknown category "${label.slice(0, 64)}": stored as "other"; add an alias or a category migration`);
    const other = await this.categories.bySlug('other');
    if (!other) throw new Error('The category "other" is missing: run the catalog migrations');
    return other;
  }

  async upsertArticle(request: CatalogArticleUpsertRequestV1): Promise<CatalogArticleUpsertResponseV1> {
    const url = this.canonical(request.url);
    const urlHash = sha256Hex(url);
    const category = await this.resolveCategory(request.category);
    const sourceId = await this.sourceIdOf(request.sourceKey ?? null);
    const now = new Date();
    const fields = {
      sourceId,
      categoryId: category.id,
      url,
      urlHash,
      title: request.title,
      summary: request.summary ?? null,
      keyFacts: request.keyFacts,
      lang: request.lang ?? null,
      publishedAt: request.publishedAt ? new Date(request.publishedAt) : null,
      scrapedAt: new Date(request.scrapedAt),
      textKey: request.textKey ?? null,
      textBytes: request.textBytes ?? null,
      textSha256: request.textSha256 ?? null,
      contentHash: request.contentHash,
      createdAt: now,
    };
    for (let attempt = 1; ; attempt++) {
      const sameUrl = await this.articles.byAnyUrlHash(urlHash);
      if (sameUrl) return this.existing(sameUrl, sameUrl.urlHash === urlHash ? 'url' : 'content-hash', request.media);
      const sameContent = await this.articles.byContentHash(request.contentHash);
      if (sameContent) {
        await this.rememberAlias(sameContent.id, url, urlHash, now);
        return this.existing(sameContent, 'content-hash', request.media);
      }
      let article: ArticleEntity;
      try {
        article = await this.articles.insert(fields);
      } catch (error) {
        // Another replica stored the URL or the content first: look again and answer with its row.
        const retry = isUniqueViolation(error) || isTransient(error);
        if (retry && attempt < UPSERT_ATTEMPTS) continue;
        if (isForeignKeyViolation(error)) throw new CatalogError('invalid', `article ${url}: its source or category vanished`);
        throw error;
      }
      const media = await this.addMediaRows(article.id, request.media);
      this.logger.debug(`article ${article.id} stored (${url})`);
      return { articleId: article.id, created: true, matchedBy: 'none', duplicateOf: null, category: category.slug, media };
    }
  }

  private async existing(
    article: ArticleEntity,
    matchedBy: 'url' | 'content-hash',
    media: MediaInputV1[],
  ): Promise<CatalogArticleUpsertResponseV1> {
    const category = await this.categories.byId(article.categoryId);
    // A retry of the same URL completes what an earlier attempt may not have finished; media of
    // another URL with the same text belong to that page, not to this article.
    const results =
      matchedBy === 'url'
        ? await this.addMediaRows(article.id, media)
        : (await this.media.listByArticle(article.id)).map((m) => ({ mediaId: m.id, position: m.position, created: false }));
    return {
      articleId: article.id,
      created: false,
      matchedBy,
      duplicateOf: matchedBy === 'content-hash' ? article.id : null,
      category: category?.slug ?? 'other',
      media: results,
    };
  }

  private async rememberAlias(articleId: number, url: string, urlHash: string, now: Date): Promise<void> {
    try {
      await this.articles.insertAlias({ articleId, url, urlHash, createdAt: now });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async addMedia(articleId: number, media: MediaInputV1[]): Promise<MediaResult[]> {
    if (!(await this.articles.byId(articleId))) throw notFound(`article ${articleId}`);
    return this.addMediaRows(articleId, media);
  }

  /** Idempotent per (article, position): an existing position keeps its row. */
  private async addMediaRows(articleId: number, media: MediaInputV1[]): Promise<MediaResult[]> {
    const results: MediaResult[] = [];
    for (const item of media) {
      const now = new Date();
      const { row, created } = await insertOnce(
        () => this.media.byPosition(articleId, item.position),
        () =>
          this.media.insert({
            articleId,
            kind: item.kind,
            position: item.position,
            sourceUrl: item.sourceUrl,
            fileKey: item.fileKey ?? null,
            caption: item.caption ?? null,
            width: item.width ?? null,
            height: item.height ?? null,
            durationS: item.durationS ?? null,
            bytes: item.bytes ?? null,
            sha256: item.sha256 ?? null,
            contentType: item.contentType ?? null,
            // As on update: a row that arrives with its file is stored; otherwise it is pending.
            status: item.fileKey ? 'stored' : null,
            error: null,
            createdAt: now,
            updatedAt: now,
          }),
      );
      results.push({ mediaId: row.id, position: row.position, created });
    }
    return results;
  }

  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1> {
    const article = await this.articles.byId(articleId);
    if (!article) throw notFound(`article ${articleId}`);
    return { article: await this.describe(article), media: await this.mediaOf(article.id) };
  }

  async getArticleByUrl(rawUrl: string, withMedia: boolean): Promise<CatalogArticleGetByUrlResponseV1> {
    const article = await this.articles.byAnyUrlHash(sha256Hex(this.canonical(rawUrl)));
    if (!article) return { article: null, media: [] };
    return { article: await this.describe(article), media: withMedia ? await this.mediaOf(article.id) : [] };
  }

  async listArticles(request: CatalogArticleListRequestV1): Promise<CatalogArticleListResponseV1> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (from > to) throw new CatalogError('invalid', `the window starts (${request.from}) after it ends (${request.to})`);
    let categoryId: number | null = null;
    if (request.category) {
      // Listing is strict: an unknown category would silently list `other` instead.
      const category = await this.categories.bySlug(normaliseCategoryLabel(request.category));
      if (!category) throw new CatalogError('invalid', `unknown category "${request.category}": see catalog.category.list.v1`);
      categoryId = category.id;
    }
    const after = request.cursor ? decodeCursor(request.cursor) : null;
    const rows = await this.articles.list({ categoryId, by: request.by, from, to, limit: request.pageSize + 1, after });
    const page = rows.slice(0, request.pageSize);
    const last = page.at(-1);
    const nextCursor =
      rows.length > request.pageSize && last ? encodeCursor({ at: request.by === 'published' ? last.publishedAt! : last.scrapedAt, id: last.id }) : null;
    return { articles: await this.describeMany(page), nextCursor };
  }

  async markAnnounced(articleId: number): Promise<ArticleV1> {
    if (!(await this.articles.byId(articleId))) throw notFound(`article ${articleId}`);
    await this.articles.setAnnouncedIfEmpty(articleId, new Date());
    return this.describe((await this.articles.byId(articleId))!);
  }

  async setArticleText(request: CatalogArticleTextRequestV1): Promise<ArticleV1> {
    const { articleId, ...text } = request;
    if (!(await this.articles.byId(articleId))) throw notFound(`article ${articleId}`);
    await this.articles.setTextIfEmpty(articleId, text);
    const article = (await this.articles.byId(articleId))!;
    if (article.textKey !== text.textKey || article.textSha256 !== text.textSha256) {
      throw new CatalogError('conflict', `article ${articleId} already has text ${article.textKey} (${article.textSha256})`);
    }
    return this.describe(article);
  }

  async updateMedia(request: CatalogMediaUpdateRequestV1): Promise<MediaV1> {
    const current = await this.media.byId(request.mediaId);
    if (!current) throw notFound(`media ${request.mediaId}`);
    const patch: MediaPatch = {};
    // Only the fields present in the request change; an explicit null clears one.
    for (const field of ['fileKey', 'bytes', 'sha256', 'width', 'height', 'durationS', 'contentType', 'caption', 'status', 'error'] as const) {
      if (request[field] !== undefined) (patch as Record<string, unknown>)[field] = request[field];
    }
    // A file is the proof of a download: without a word on the status it means stored, and an
    // error left by an earlier failed attempt no longer holds.
    if (request.fileKey && request.status === undefined) {
      patch.status = 'stored';
      if (request.error === undefined) patch.error = null;
    }
    if (Object.keys(patch).length > 0) await this.media.update(current.id, { ...patch, updatedAt: new Date() });
    return toMediaV1((await this.media.byId(current.id))!);
  }

  async upsertSource(request: CatalogSourceUpsertRequestV1): Promise<CatalogSourceUpsertResponseV1> {
    const defaultCategoryId = request.defaultCategory ? (await this.resolveCategory(request.defaultCategory)).id : null;
    const now = new Date();
    const described = {
      name: request.name,
      kind: request.kind,
      baseUrl: request.baseUrl ?? null,
      lang: request.lang ?? null,
      defaultCategoryId,
    };
    const { row, created } = await insertOnce(
      () => this.sources.byKey(request.key),
      () => this.sources.insert({ key: request.key, ...described, createdAt: now, updatedAt: now }),
    );
    if (!created) await this.sources.update(row.id, { ...described, updatedAt: now });
    return { sourceId: row.id, created };
  }

  private async sourceIdOf(key: string | null): Promise<number | null> {
    if (key === null) return null;
    const source = await this.sources.byKey(key);
    if (!source) throw new CatalogError('not-found', `source "${key}" is not registered: call catalog.source.upsert.v1 first`);
    return source.id;
  }

  private canonical(raw: string): string {
    let url: string;
    try {
      url = canonicalUrl(raw);
    } catch (error) {
      if (error instanceof InvalidUrlError) throw new CatalogError('invalid', error.message);
      throw error;
    }
    if (url.length > MAX_URL) throw new CatalogError('invalid', `the canonical URL is ${url.length} characters; at most ${MAX_URL} are stored`);
    return url;
  }

  private async mediaOf(articleId: number): Promise<MediaV1[]> {
    return (await this.media.listByArticle(articleId)).map(toMediaV1);
  }

  private async describe(article: ArticleEntity): Promise<ArticleV1> {
    return (await this.describeMany([article]))[0]!;
  }

  private async describeMany(articles: ArticleEntity[]): Promise<ArticleV1[]> {
    const sourceIds = [...new Set(articles.map((a) => a.sourceId).filter((id): id is number => id !== null))];
    const sourceKeys = await this.sources.keysById(sourceIds);
    const categories = new Map((await this.categories.list()).map((c) => [c.id, c.slug]));
    return articles.map((a) => toArticleV1(a, categories.get(a.categoryId) ?? 'other', a.sourceId === null ? null : (sourceKeys.get(a.sourceId) ?? null)));
  }
}
