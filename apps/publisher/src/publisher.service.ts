import type { VideoEditedV1, VideoPublishedV1 } from '#contracts';
import type winston from 'winston';
import type { OutboxBackend } from './outbox.backend.js';
import type { YoutubeBackend } from './youtube.backend.js';

/** Sends `pipeline.video.published.v1`; the backend calls it once the publication is recorded. */
export type Announce = (event: VideoPublishedV1) => Promise<void>;

export interface PublishOutcome {
  event: VideoPublishedV1;
  /**
   * False when the publication had been announced before this message (a second, distinct
   * `video.edited` for an edit already published): nothing new to say, so nothing was sent.
   */
  announced: boolean;
}

/** Publishes an edit with the configured backend: the local outbox (stand-in) or YouTube channels. */
export class PublisherService {
  constructor(private readonly backend: { kind: 'outbox'; outbox: OutboxBackend } | { kind: 'youtube'; youtube: YoutubeBackend }) {}

  publish(edit: VideoEditedV1, log: winston.Logger, heartbeat: () => void, announce: Announce): Promise<PublishOutcome> {
    if (this.backend.kind === 'outbox') return this.backend.outbox.publish(edit, log, announce);
    return this.backend.youtube.publish(edit, log, heartbeat, announce);
  }
}
