import { StoryWrittenV1, VideoGeneratedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { AvgenService } from './avgen.service.js';

/** The avgen stage's one subscriber: a story written, its video made, the next event out. */
@Controller()
export class AvgenHandler {
  constructor(
    private readonly avgen: AvgenService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(StoryWrittenV1)
  async onStoryWritten(payload: StoryWrittenV1, ctx: EventContext): Promise<void> {
    const started = Date.now();
    const video = await this.avgen.generate(payload, ctx.log);
    await this.publisher.publish(VideoGeneratedV1, video, { causedBy: ctx.envelope, key: `video:${payload.storyId}` });
    ctx.log.info(
      `story ${payload.storyId}: video ${video.videoId} (${video.model}${video.standIn ? ', stand-in' : ''}, ${video.durationS.toFixed(1)} s, ` +
        `sound ${video.narrationSource}) in ${Date.now() - started} ms${ctx.attempt > 1 ? ` (attempt ${ctx.attempt})` : ''}`,
    );
  }
}
