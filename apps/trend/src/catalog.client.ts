import {
  CatalogArticleGetV1,
  CatalogTrendAssignV1,
  CatalogTrendPublishedV1,
  CatalogTrendTransitionV1,
  type CatalogArticleGetResponseV1,
  type CatalogTrendAssignRequestV1,
  type CatalogTrendAssignResponseV1,
  type CatalogTrendTransitionRequestV1,
  type CatalogTrendTransitionResponseV1,
} from '#contracts';
import { RemoteError, RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';

/** The catalog as the trend stage needs it: articles, and the cluster state it keeps for the stage. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    try {
      return await this.requests.request(CatalogArticleGetV1, { articleId });
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'not-found') return null;
      throw error;
    }
  }

  assign(request: z.input<typeof CatalogTrendAssignV1.request>): Promise<CatalogTrendAssignResponseV1> {
    return this.requests.request(CatalogTrendAssignV1, request as CatalogTrendAssignRequestV1);
  }

  transition(request: z.input<typeof CatalogTrendTransitionV1.request>): Promise<CatalogTrendTransitionResponseV1> {
    return this.requests.request(CatalogTrendTransitionV1, request as CatalogTrendTransitionRequestV1);
  }

  async published(transitionId: number, eventId: string): Promise<void> {
    await this.requests.request(CatalogTrendPublishedV1, { transitionId, eventId, publishedAt: new Date().toISOString() });
  }
}
