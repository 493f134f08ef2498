import { ArticleEmbeddedV1, ArticleStoredV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { EmbedderService } from './embedder.service.js';

/** The embedder stage's one subscriber: an article stored, its parts embedded, the next event out. */
@Controller()
export class EmbedderHandler {
  constructor(
    private readonly embedder: EmbedderService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(ArticleStoredV1)
  async onArticleStored(payload: ArticleStoredV1, ctx: EventContext): Promise<void> {
    const started = Date.now();
    const outcome = await this.embedder.embedArticle(payload, ctx.log);
    // The key with the cause fixes the message id: a redelivery publishes nothing new.
    await this.publisher.publish(ArticleEmbeddedV1, outcome, { causedBy: ctx.envelope, key: `embedded:${payload.articleId}` });
    const vectors = outcome.spaces.reduce((sum, space) => sum + space.vectors, 0);
    ctx.log.info(
      `article ${payload.articleId} embedded: ${vectors} vectors, ${outcome.failedParts.length} failed parts, ` +
        `${Date.now() - started} ms${ctx.attempt > 1 ? ` (attempt ${ctx.attempt})` : ''}`,
    );
  }
}
