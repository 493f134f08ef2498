import type { ArticleV1, CategoryV1, MediaV1 } from '#contracts';
import type { ArticleEntity } from './entities/article.entity.js';
import type { CategoryEntity } from './entities/category.entity.js';
import type { MediaEntity } from './entities/media.entity.js';

export function toArticleV1(a: ArticleEntity, categorySlug: string, sourceKey: string | null): ArticleV1 {
  return {
    articleId: a.id,
    url: a.url,
    sourceKey,
    category: categorySlug,
    title: a.title,
    summary: a.summary,
    keyFacts: a.keyFacts,
    lang: a.lang,
    publishedAt: a.publishedAt ? a.publishedAt.toISOString() : null,
    scrapedAt: a.scrapedAt.toISOString(),
    textKey: a.textKey,
    textBytes: a.textBytes,
    textSha256: a.textSha256,
    contentHash: a.contentHash,
    createdAt: a.createdAt.toISOString(),
    announcedAt: a.announcedAt ? a.announcedAt.toISOString() : null,
  };
}

export function toMediaV1(m: MediaEntity): MediaV1 {
  return {
    mediaId: m.id,
    articleId: m.articleId,
    kind: m.kind as MediaV1['kind'],
    position: m.position,
    sourceUrl: m.sourceUrl,
    caption: m.caption,
    fileKey: m.fileKey,
    width: m.width,
    height: m.height,
    durationS: m.durationS,
    bytes: m.bytes,
    sha256: m.sha256,
    contentType: m.contentType,
    status: m.status as MediaV1['status'],
    error: m.error,
  };
}

export function toCategoryV1(c: CategoryEntity): CategoryV1 {
  return { categoryId: c.id, slug: c.slug, nameKo: c.nameKo, nameEn: c.nameEn, sortOrder: c.sortOrder };
}
