import {
  CatalogArticleGetV1,
  CatalogTrendArticlesV1,
  CatalogTrendAssignBatchV1,
  CatalogTrendAssignV1,
  CatalogTrendLiveV1,
  CatalogTrendPublishedV1,
  CatalogTrendTransitionV1,
  type CatalogArticleGetResponseV1,
  type CatalogTrendAssignBatchRequestV1,
  type CatalogTrendAssignBatchResponseV1,
  type CatalogTrendAssignRequestV1,
  type TrendArticleV1,
  type CatalogTrendAssignResponseV1,
  type CatalogTrendTransitionRequestV1,
  type CatalogTrendTransitionResponseV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';

/** The catalog as the trend stage needs it: articles, and the cluster state it keeps for the stage. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    return this.requests.requestOrNull(CatalogArticleGetV1, { articleId });
  }

  assign(request: z.input<typeof CatalogTrendAssignV1.request>): Promise<CatalogTrendAssignResponseV1> {
    return this.requests.request(CatalogTrendAssignV1, request as CatalogTrendAssignRequestV1);
  }

  /** The articles of a batch the catalog knows (an id missing from the answer is unknown). */
  async articles(articleIds: number[]): Promise<TrendArticleV1[]> {
    const out: TrendArticleV1[] = [];
    for (let i = 0; i < articleIds.length; i += 500) out.push(...(await this.requests.request(CatalogTrendArticlesV1, { articleIds: articleIds.slice(i, i + 500) })).articles);
    return out;
  }

  assignBatch(request: z.input<typeof CatalogTrendAssignBatchV1.request>): Promise<CatalogTrendAssignBatchResponseV1> {
    return this.requests.request(CatalogTrendAssignBatchV1, request as CatalogTrendAssignBatchRequestV1, { timeoutMs: 60_000 });
  }

  live(binSeconds: number, historyBins: number, afterId: number, limit = 200) {
    return this.requests.request(CatalogTrendLiveV1, { binSeconds, historyBins, afterId, limit });
  }

  transition(request: z.input<typeof CatalogTrendTransitionV1.request>): Promise<CatalogTrendTransitionResponseV1> {
    return this.requests.request(CatalogTrendTransitionV1, request as CatalogTrendTransitionRequestV1);
  }

  async published(transitionId: number, eventId: string): Promise<void> {
    await this.requests.request(CatalogTrendPublishedV1, { transitionId, eventId, publishedAt: new Date().toISOString() });
  }
}
