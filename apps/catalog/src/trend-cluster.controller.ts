import {
  CatalogExternalTrendListV1,
  CatalogExternalTrendRecordV1,
  CatalogTrendArticlesV1,
  CatalogTrendAssignBatchV1,
  CatalogTrendAssignV1,
  CatalogTrendLiveV1,
  CatalogTrendClusterGetV1,
  CatalogTrendPublishedV1,
  CatalogTrendTransitionListV1,
  CatalogTrendTransitionV1,
  type RequestOf,
  type ResponseOf,
} from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { ExternalTrendService } from './external-trend.service.js';
import { TrendClusterService } from './trend-cluster.service.js';

type Req<C> = RequestOf<C>;
type Res<C> = Promise<ResponseOf<C>>;

/** The trend stage's state (clusters, bins, transitions) and the external trend snapshots. */
@Controller()
export class TrendClusterController {
  constructor(
    private readonly clusters: TrendClusterService,
    private readonly external: ExternalTrendService,
  ) {}

  @OnRequest(CatalogTrendAssignV1)
  assign(request: Req<typeof CatalogTrendAssignV1>): Res<typeof CatalogTrendAssignV1> {
    return this.clusters.assign(request);
  }

  @OnRequest(CatalogTrendAssignBatchV1)
  assignBatch(request: Req<typeof CatalogTrendAssignBatchV1>): Res<typeof CatalogTrendAssignBatchV1> {
    return this.clusters.assignBatch(request);
  }

  @OnRequest(CatalogTrendArticlesV1)
  async articles(request: Req<typeof CatalogTrendArticlesV1>): Res<typeof CatalogTrendArticlesV1> {
    return { articles: await this.clusters.articles(request.articleIds) };
  }

  @OnRequest(CatalogTrendLiveV1)
  live(request: Req<typeof CatalogTrendLiveV1>): Res<typeof CatalogTrendLiveV1> {
    return this.clusters.live(request.binSeconds, request.historyBins, request.limit, request.afterId);
  }

  @OnRequest(CatalogTrendTransitionV1)
  transition(request: Req<typeof CatalogTrendTransitionV1>): Res<typeof CatalogTrendTransitionV1> {
    return this.clusters.transition(request);
  }

  @OnRequest(CatalogTrendPublishedV1)
  async published(request: Req<typeof CatalogTrendPublishedV1>): Res<typeof CatalogTrendPublishedV1> {
    await this.clusters.markPublished(request.transitionId, request.eventId, request.publishedAt);
    return { ok: true as const };
  }

  @OnRequest(CatalogTrendClusterGetV1)
  async cluster(request: Req<typeof CatalogTrendClusterGetV1>): Res<typeof CatalogTrendClusterGetV1> {
    return { cluster: await this.clusters.cluster(request.clusterId, request.historyBins, request.binSeconds) };
  }

  @OnRequest(CatalogTrendTransitionListV1)
  async transitions(request: Req<typeof CatalogTrendTransitionListV1>): Res<typeof CatalogTrendTransitionListV1> {
    return { transitions: await this.clusters.transitions(request.since, request.until, request.limit, request.afterId) };
  }

  @OnRequest(CatalogExternalTrendRecordV1)
  recordExternal(request: Req<typeof CatalogExternalTrendRecordV1>): Res<typeof CatalogExternalTrendRecordV1> {
    return this.external.record(request);
  }

  @OnRequest(CatalogExternalTrendListV1)
  async listExternal(request: Req<typeof CatalogExternalTrendListV1>): Res<typeof CatalogExternalTrendListV1> {
    return { snapshots: await this.external.list(request.since, request.until, request.source, request.limit) };
  }
}
