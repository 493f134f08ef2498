import type { CatalogArticleGetResponseV1 } from '#contracts';
import { usable } from './media-input.js';

export interface ArticleChoice {
  found: CatalogArticleGetResponseV1;
  reason: string;
}

/** Members looked at for media, at most: a big trend's tail adds nothing but requests. */
export const MAX_CANDIDATES = 12;

/**
 * The trend's representative when it has media; otherwise the member with the most stored media
 * (ties: the earlier in the trend's list); otherwise the representative anyway. The reason goes
 * into the catalog row.
 */
export function chooseArticle(representativeId: number, candidates: CatalogArticleGetResponseV1[]): ArticleChoice | null {
  const representative = candidates.find((candidate) => candidate.article.articleId === representativeId);
  const mediaCount = (candidate: CatalogArticleGetResponseV1) => candidate.media.filter(usable).length;
  if (representative && mediaCount(representative) > 0) return { found: representative, reason: 'representative' };
  let best: CatalogArticleGetResponseV1 | null = null;
  for (const candidate of candidates) if (mediaCount(candidate) > (best ? mediaCount(best) : 0)) best = candidate;
  if (best) {
    return { found: best, reason: representative ? `best member with media (representative ${representativeId} has none)` : `best member with media (representative ${representativeId} not in the catalog)` };
  }
  if (representative) return { found: representative, reason: 'representative (no member has media)' };
  const first = candidates[0];
  return first ? { found: first, reason: `first stored member (representative ${representativeId} not in the catalog; none has media)` } : null;
}
