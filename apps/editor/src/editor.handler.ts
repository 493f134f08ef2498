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
    const edited = await this.editor.edit(payload, ctx.log);
    // The key fixes the message id: a redelivery publishes nothing new.
    await this.publisher.publish(VideoEditedV1, edited, { causedBy: ctx.envelope, key: `edited:${edited.editId}` });
    ctx.log.info(
      `video ${payload.videoId} edited by ${edited.editor} (${edited.planner}): edit ${edited.editId}, ${edited.durationS.toFixed(2)} s, ` +
        `${edited.lufs} LUFS, ${edited.truePeakDb} dBTP${ctx.attempt > 1 ? ` (attempt ${ctx.attempt})` : ''}`,
    );
  }
}
