import { ArticleEmbeddedV1, TrendDetectedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { TrendService } from './trend.service.js';

/** The trend stage's one subscriber: an embedded article joins a cluster; a burst is announced once. */
@Controller()
export class TrendHandler {
  constructor(
    private readonly trends: TrendService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(ArticleEmbeddedV1)
  async onArticleEmbedded(payload: ArticleEmbeddedV1, ctx: EventContext): Promise<void> {
    const outcome = await this.trends.process(payload, ctx.log, ctx.envelope.id, ctx.streamSequence);
    for (const announcement of outcome.announcements) {
      const envelope = await this.publisher.publish(TrendDetectedV1, announcement.payload, { causedBy: ctx.envelope, key: announcement.key });
      await this.trends.markPublished(announcement.transitionId, envelope.id);
      ctx.log.info(`trend.detected: trend ${announcement.payload.trendId} ${announcement.payload.stage}: ${announcement.payload.text.replace('\n', ' / ')}`);
    }
    ctx.log.debug(`article ${payload.articleId} -> cluster ${outcome.clusterId ?? '-'}${outcome.created ? ' (new)' : ''}${outcome.duplicate ? ' (repeat)' : ''}`);
  }
}
