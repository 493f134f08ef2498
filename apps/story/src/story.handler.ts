import { StoryWrittenV1, TrendDetectedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { StoryService } from './story.service.js';

/** The story stage's one subscriber: a trend detected, a story written (or skipped by policy). */
@Controller()
export class StoryHandler {
  constructor(
    private readonly stories: StoryService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(TrendDetectedV1)
  async onTrendDetected(payload: TrendDetectedV1, ctx: EventContext): Promise<void> {
    const outcome = await this.stories.writeFor(payload, ctx.log);
    if (outcome.status === 'skipped') return void ctx.log.info(`trend ${payload.trendId}: no story (${outcome.reason})`);
    // A story found on a first delivery was announced by an earlier event of the trend; a
    // redelivery publishes again under the same key, which JetStream de-duplicates.
    if (outcome.status === 'exists' && ctx.attempt === 1) return void ctx.log.info(`trend ${payload.trendId}: ${outcome.reason}`);
    await this.publisher.publish(StoryWrittenV1, outcome.event, { causedBy: ctx.envelope, key: `story:${payload.trendId}:${outcome.variant}` });
    ctx.log.info(`trend ${payload.trendId}: story ${outcome.event.storyId} by ${outcome.event.model} from article ${outcome.event.articleId} (${outcome.reason}) at ${outcome.event.textKey}`);
  }
}
