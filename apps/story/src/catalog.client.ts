import {
  CatalogArticleGetV1,
  CatalogStoryCountV1,
  CatalogStoryCreateV1,
  CatalogStoryFindV1,
  type CatalogArticleGetResponseV1,
  type CatalogStoryCreateRequestV1,
  type CatalogStoryCreateResponseV1,
  type StoryRowV1,
} from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the story stage needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  async getArticle(articleId: number): Promise<CatalogArticleGetResponseV1 | null> {
    return this.requests.requestOrNull(CatalogArticleGetV1, { articleId });
  }

  async storiesOf(trendId: number, variant: number): Promise<StoryRowV1[]> {
    return (await this.requests.request(CatalogStoryFindV1, { trendId, variant })).stories;
  }

  /** Stories of this category's trends written on the UTC day of `at`. */
  async countToday(category: string | null, at: Date): Promise<number> {
    const since = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    const until = new Date(since.getTime() + 86_400_000);
    return (await this.requests.request(CatalogStoryCountV1, { category, since: since.toISOString(), until: until.toISOString() })).count;
  }

  async createStory(request: CatalogStoryCreateRequestV1): Promise<CatalogStoryCreateResponseV1> {
    return this.requests.request(CatalogStoryCreateV1, request);
  }
}
