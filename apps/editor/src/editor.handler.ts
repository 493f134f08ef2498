import { VideoEditedV1, VideoGeneratedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { EditorService } from './editor.service.js';

/** The editor stage's one subscriber: a generated video edited, gated, recorded, the next event out. */
@Controller()
export class EditorHandler {
  constructor(
    private readonly editor: EditorService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(VideoGeneratedV1)
  async onVideoGenerated(payload: VideoGeneratedV1, ctx: EventContext): Promise<void> {
    const { event, created } = await this.editor.edit(payload, ctx.log);
    // A repeated video.generated (another envelope) finds the edit recorded: its event went out then.
    // A redelivery of this envelope publishes again under the same id, which JetStream drops if it got through.
    if (!created && ctx.attempt === 1) {
      ctx.log.info(`video ${payload.videoId}: already edited as edit ${event.editId}; nothing new published`);
      return;
    }
    await this.publisher.publish(VideoEditedV1, event, { causedBy: ctx.envelope, key: `edited:${event.editId}` });
    ctx.log.info(
      `video ${payload.videoId} edited by ${event.editor} (${event.planner}): edit ${event.editId}, ${event.durationS.toFixed(2)} s, ` +
        `${event.lufs} LUFS, ${event.truePeakDb} dBTP${ctx.attempt > 1 ? ` (attempt ${ctx.attempt})` : ''}`,
    );
  }
}
