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
    // The backend announces through this callback and then marks the publication announced in the
    // catalog, so a later, distinct video.edited of the same edit does not announce it again.
    const outcome = await this.publisher.publish(payload, ctx.log, () => ctx.working(), async (published) => {
      // One message id per publication, whatever message led to it: two replicas announcing the
      // same publication from two distinct messages at the same instant store one event.
      await this.events.publish(VideoPublishedV1, published, { causedBy: ctx.envelope, key: `publication:${published.publicationId}`, once: true });
    });
    const { event } = outcome;
    if (!outcome.announced) {
      ctx.log.info(`edit ${payload.editId} was published before (publication ${event.publicationId}, ${event.platform}/${event.account} ${event.externalId}) and announced then; not announced again`);
      return;
    }
    ctx.log.info(`edit ${payload.editId} published on ${event.platform}/${event.account} as ${event.externalId}`);
  }
}
