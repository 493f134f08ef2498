import { VideoEditedV1, VideoPublishedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { PublisherService } from './publisher.service.js';

/** The publisher stage's one subscriber: an edited video in, the video published, the next event out. */
@Controller()
export class PublisherHandler {
  constructor(
    private readonly publisher: PublisherService,
    private readonly events: EventPublisher,
  ) {}

  @OnEvent(VideoEditedV1)
  async onVideoEdited(payload: VideoEditedV1, ctx: EventContext): Promise<void> {
    // RetryLaterError (a paused channel) makes the message wait; other throws retry with backoff.
    const published = await this.publisher.publish(payload, ctx.log, () => ctx.working());
    await this.events.publish(VideoPublishedV1, published, { causedBy: ctx.envelope, key: `published:${payload.editId}:${published.platform}` });
    ctx.log.info(`edit ${payload.editId} published on ${published.platform}/${published.account} as ${published.externalId}`);
  }
}
