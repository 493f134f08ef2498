// Every subject of the pipeline in one typed list. Events are
// `pipeline.<entity>.<pastTenseVerb>.v<major>` and live in the PIPELINE stream; request/reply
// subjects are `<owner>.<verb>.v<major>` on core NATS. A breaking change is a new major subject.

export const Events = {
  ScrapeRequestedV1: 'pipeline.scrape.requested.v1',
  ArticleStoredV1: 'pipeline.article.stored.v1',
  ArticleEmbeddedV1: 'pipeline.article.embedded.v1',
  TrendDetectedV1: 'pipeline.trend.detected.v1',
  StoryWrittenV1: 'pipeline.story.written.v1',
  VideoGeneratedV1: 'pipeline.video.generated.v1',
  VideoEditedV1: 'pipeline.video.edited.v1',
  VideoPublishedV1: 'pipeline.video.published.v1',
  MetricsCollectedV1: 'pipeline.metrics.collected.v1',
  MetricsRequestedV1: 'pipeline.metrics.requested.v1',
  FilePurgedV1: 'pipeline.file.purged.v1',
} as const;

export const Requests = {
  CatalogArticleUpsertV1: 'catalog.article.upsert.v1',
  CatalogArticleGetV1: 'catalog.article.get.v1',
  CatalogArticleGetByUrlV1: 'catalog.article.getByUrl.v1',
  CatalogArticleListV1: 'catalog.article.list.v1',
  CatalogArticleTextV1: 'catalog.article.text.v1',
  CatalogArticleEmbeddedV1: 'catalog.article.embedded.v1',
  CatalogArticleFingerprintV1: 'catalog.article.fingerprint.v1',
  CatalogArticleNearDuplicateV1: 'catalog.article.nearDuplicate.v1',
  CatalogMediaAddV1: 'catalog.media.add.v1',
  CatalogMediaUpdateV1: 'catalog.media.update.v1',
  CatalogCategoryListV1: 'catalog.category.list.v1',
  CatalogSourceUpsertV1: 'catalog.source.upsert.v1',
  CatalogTrendCreateV1: 'catalog.trend.create.v1',
  CatalogTrendAssignV1: 'catalog.trend.assign.v1',
  CatalogTrendTransitionV1: 'catalog.trend.transition.v1',
  CatalogTrendPublishedV1: 'catalog.trend.published.v1',
  CatalogTrendClusterGetV1: 'catalog.trend.cluster.v1',
  CatalogTrendTransitionListV1: 'catalog.trend.transitions.v1',
  CatalogExternalTrendRecordV1: 'catalog.externalTrend.record.v1',
  CatalogExternalTrendListV1: 'catalog.externalTrend.list.v1',
  CatalogStoryCreateV1: 'catalog.story.create.v1',
  CatalogStoryFindV1: 'catalog.story.find.v1',
  CatalogStoryCountV1: 'catalog.story.count.v1',
  CatalogVideoCreateV1: 'catalog.video.create.v1',
  CatalogVideoJobLatestV1: 'catalog.videoJob.latest.v1',
  CatalogVideoJobRecordV1: 'catalog.videoJob.record.v1',
  CatalogEditCreateV1: 'catalog.edit.create.v1',
  CatalogPublicationRecordV1: 'catalog.publication.record.v1',
  CatalogPublicationListV1: 'catalog.publication.list.v1',
  CatalogPublicationGetV1: 'catalog.publication.get.v1',
  CatalogMetricAddV1: 'catalog.metric.add.v1',
  CatalogMetricDailyV1: 'catalog.metric.daily.v1',
  CatalogPublicationStatusV1: 'catalog.publication.status.v1',
  CatalogChannelSyncV1: 'catalog.channel.sync.v1',
  CatalogChannelSetV1: 'catalog.channel.set.v1',
  CatalogQuotaReserveV1: 'catalog.quota.reserve.v1',
  CatalogQuotaUsageV1: 'catalog.quota.usage.v1',
  CatalogUploadContextV1: 'catalog.upload.context.v1',
  CatalogUploadClaimV1: 'catalog.upload.claim.v1',
  CatalogUploadUpdateV1: 'catalog.upload.update.v1',
  CatalogFileRegisterV1: 'catalog.file.register.v1',
  CatalogFileHoldV1: 'catalog.file.hold.v1',
  CatalogFilePurgedV1: 'catalog.file.purged.v1',
  CatalogRetentionPlanV1: 'catalog.retention.plan.v1',
  FilesEndpointV1: 'files.endpoint.v1',
  FilesAllocateV1: 'files.allocate.v1',
  FilesStatV1: 'files.stat.v1',
  FilesUsageV1: 'files.usage.v1',
  VectorUpsertV1: 'vector.upsert.v1',
  VectorDeleteV1: 'vector.delete.v1',
  VectorSearchV1: 'vector.search.v1',
  VectorGetV1: 'vector.get.v1',
  VectorSimilarV1: 'vector.similar.v1',
  VectorCountV1: 'vector.count.v1',
  LoggerFunnelV1: 'logger.funnel.v1',
  LoggerEventsRecentV1: 'logger.events.recent.v1',
} as const;
export type RequestSubject = (typeof Requests)[keyof typeof Requests];

/** Dead letters of a pipeline subject go to `dlq.<subject>`, in the DLQ stream. */
export const DEAD_LETTER_PREFIX = 'dlq.';
export function deadLetterSubject(subject: string): string {
  return `${DEAD_LETTER_PREFIX}${subject}`;
}
