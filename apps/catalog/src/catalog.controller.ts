import {
  CatalogArticleGetByUrlV1,
  CatalogArticleGetV1,
  CatalogArticleListV1,
  CatalogArticleTextV1,
  CatalogArticleAnnouncedV1,
  CatalogArticleUpsertV1,
  CatalogCategoryListV1,
  CatalogEditCreateV1,
  CatalogFileHoldV1,
  CatalogFilePurgedV1,
  CatalogFileRegisterV1,
  CatalogMediaAddV1,
  CatalogMediaUpdateV1,
  CatalogMetricAddV1,
  CatalogPublicationGetV1,
  CatalogPublicationListV1,
  CatalogPublicationRecordV1,
  CatalogRetentionPlanV1,
  CatalogSourceUpsertV1,
  CatalogStoryCountV1,
  CatalogStoryCreateV1,
  CatalogStoryFindV1,
  CatalogTrendCreateV1,
  CatalogVideoCreateV1,
  type RequestOf,
  type ResponseOf,
} from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { CatalogService } from './catalog.service.js';
import { ProductionService } from './production.service.js';
import { RetentionService } from './retention.service.js';

type Req<C> = RequestOf<C>;
type Res<C> = Promise<ResponseOf<C>>;


/** The catalog's request/reply API: one handler per contract, the logic lives in the services. */
@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly production: ProductionService,
    private readonly retention: RetentionService,
  ) {}

  @OnRequest(CatalogCategoryListV1)
  async categories(): Res<typeof CatalogCategoryListV1> {
    return { categories: await this.catalog.listCategories() };
  }

  @OnRequest(CatalogSourceUpsertV1)
  upsertSource(request: Req<typeof CatalogSourceUpsertV1>): Res<typeof CatalogSourceUpsertV1> {
    return this.catalog.upsertSource(request);
  }

  @OnRequest(CatalogArticleUpsertV1)
  upsertArticle(request: Req<typeof CatalogArticleUpsertV1>): Res<typeof CatalogArticleUpsertV1> {
    return this.catalog.upsertArticle(request);
  }

  @OnRequest(CatalogArticleTextV1)
  async setArticleText(request: Req<typeof CatalogArticleTextV1>): Res<typeof CatalogArticleTextV1> {
    return ({ article: await this.catalog.setArticleText(request) });
  }

  @OnRequest(CatalogArticleAnnouncedV1)
  async markAnnounced(request: Req<typeof CatalogArticleAnnouncedV1>): Res<typeof CatalogArticleAnnouncedV1> {
    return { article: await this.catalog.markAnnounced(request.articleId) };
  }

  @OnRequest(CatalogArticleGetV1)
  getArticle(request: Req<typeof CatalogArticleGetV1>): Res<typeof CatalogArticleGetV1> {
    return this.catalog.getArticle(request.articleId);
  }

  @OnRequest(CatalogArticleGetByUrlV1)
  getArticleByUrl(request: Req<typeof CatalogArticleGetByUrlV1>): Res<typeof CatalogArticleGetByUrlV1> {
    return this.catalog.getArticleByUrl(request.url, request.withMedia);
  }

  @OnRequest(CatalogArticleListV1)
  listArticles(request: Req<typeof CatalogArticleListV1>): Res<typeof CatalogArticleListV1> {
    return this.catalog.listArticles(request);
  }

  @OnRequest(CatalogMediaAddV1)
  async addMedia(request: Req<typeof CatalogMediaAddV1>): Res<typeof CatalogMediaAddV1> {
    return { media: await this.catalog.addMedia(request.articleId, request.media) };
  }

  @OnRequest(CatalogMediaUpdateV1)
  async updateMedia(request: Req<typeof CatalogMediaUpdateV1>): Res<typeof CatalogMediaUpdateV1> {
    return { media: await this.catalog.updateMedia(request) };
  }

  @OnRequest(CatalogTrendCreateV1)
  createTrend(request: Req<typeof CatalogTrendCreateV1>): Res<typeof CatalogTrendCreateV1> {
    return this.production.createTrend(request);
  }

  @OnRequest(CatalogStoryCreateV1)
  createStory(request: Req<typeof CatalogStoryCreateV1>): Res<typeof CatalogStoryCreateV1> {
    return this.production.createStory(request);
  }

  @OnRequest(CatalogStoryFindV1)
  findStories(request: Req<typeof CatalogStoryFindV1>): Res<typeof CatalogStoryFindV1> {
    return this.production.findStories(request);
  }

  @OnRequest(CatalogStoryCountV1)
  countStories(request: Req<typeof CatalogStoryCountV1>): Res<typeof CatalogStoryCountV1> {
    return this.production.countStories(request);
  }

  @OnRequest(CatalogVideoCreateV1)
  createVideo(request: Req<typeof CatalogVideoCreateV1>): Res<typeof CatalogVideoCreateV1> {
    return this.production.createVideo(request);
  }

  @OnRequest(CatalogEditCreateV1)
  createEdit(request: Req<typeof CatalogEditCreateV1>): Res<typeof CatalogEditCreateV1> {
    return this.production.createEdit(request);
  }

  @OnRequest(CatalogPublicationRecordV1)
  recordPublication(request: Req<typeof CatalogPublicationRecordV1>): Res<typeof CatalogPublicationRecordV1> {
    return this.production.recordPublication(request);
  }

  @OnRequest(CatalogPublicationListV1)
  listPublications(request: Req<typeof CatalogPublicationListV1>): Res<typeof CatalogPublicationListV1> {
    return this.production.listPublications(request);
  }

  @OnRequest(CatalogPublicationGetV1)
  getPublication(request: Req<typeof CatalogPublicationGetV1>): Res<typeof CatalogPublicationGetV1> {
    return this.production.getPublication(request.publicationId, request.metricsLimit);
  }

  @OnRequest(CatalogMetricAddV1)
  addMetric(request: Req<typeof CatalogMetricAddV1>): Res<typeof CatalogMetricAddV1> {
    return this.production.addMetric(request);
  }

  @OnRequest(CatalogFileRegisterV1)
  registerFile(request: Req<typeof CatalogFileRegisterV1>): Res<typeof CatalogFileRegisterV1> {
    return this.retention.register(request);
  }

  @OnRequest(CatalogFileHoldV1)
  holdFiles(request: Req<typeof CatalogFileHoldV1>): Res<typeof CatalogFileHoldV1> {
    return this.retention.hold(request);
  }

  @OnRequest(CatalogFilePurgedV1)
  filePurged(request: Req<typeof CatalogFilePurgedV1>): Res<typeof CatalogFilePurgedV1> {
    return this.retention.purged(request);
  }

  @OnRequest(CatalogRetentionPlanV1)
  retentionPlan(request: Req<typeof CatalogRetentionPlanV1>): Res<typeof CatalogRetentionPlanV1> {
    return this.retention.plan(request);
  }
}
