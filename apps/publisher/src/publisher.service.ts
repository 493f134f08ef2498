import type { VideoEditedV1, VideoPublishedV1 } from '#contracts';
import type winston from 'winston';
import type { OutboxBackend } from './outbox.backend.js';
import type { YoutubeBackend } from './youtube.backend.js';

/** Publishes an edit with the configured backend: the local outbox (stand-in) or YouTube channels. */
export class PublisherService {
  constructor(private readonly backend: { kind: 'outbox'; outbox: OutboxBackend } | { kind: 'youtube'; youtube: YoutubeBackend }) {}

  publish(edit: VideoEditedV1, log: winston.Logger, heartbeat: () => void): Promise<VideoPublishedV1> {
    if (this.backend.kind === 'outbox') return this.backend.outbox.publish(edit, log);
    return this.backend.youtube.publish(edit, log, heartbeat);
  }
}
