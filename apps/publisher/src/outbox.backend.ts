import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoEditedV1, VideoPublishedV1 } from '#contracts';
import type { FilesClient } from '#files-client';
import { PoisonMessageError } from '#messaging';
import type winston from 'winston';
import type { CatalogClient } from './catalog.client.js';
import type { Announce, PublishOutcome } from './publisher.service.js';
import { buildMetadata, parseScript } from './story-metadata.js';

export const OUTBOX_PLATFORM = 'outbox';

/**
 * The embedded stand-in for a platform: no network, nothing published. The edit is copied to
 * `<outbox>/videos/<shard>/<editId>.mp4` with the metadata an upload would carry beside it, a line
 * is appended to `<outbox>/manifest.jsonl`, and the catalog records platform and account `outbox`,
 * so every record says that no platform holds the video. As on a platform, an upload row (channel
 * `outbox`) turns `published` once the publication has been announced, so a second, distinct
 * `video.edited` of the same edit does not announce it again.
 */
export class OutboxBackend {
  constructor(
    private readonly dir: string,
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
  ) {}

  async publish(edit: VideoEditedV1, log: winston.Logger, announce: Announce): Promise<PublishOutcome> {
    const context = await this.catalog.uploadContext(edit.editId, OUTBOX_PLATFORM);
    if (!context) throw new PoisonMessageError(`edit ${edit.editId} is not in the catalog`);
    if (context.publicationId && context.upload?.status === 'published') {
      const { publication } = await this.catalog.getPublication(context.publicationId);
      return {
        event: {
          publicationId: context.publicationId,
          editId: edit.editId,
          platform: OUTBOX_PLATFORM,
          account: OUTBOX_PLATFORM,
          externalId: publication.externalId,
          url: null,
          publishedAt: publication.publishedAt,
          ...(publication.title ? { title: publication.title } : {}),
          uploadStatus: 'outbox',
          standIn: true,
        },
        announced: false,
      };
    }
    const script = parseScript(await this.files.get(context.story.textKey).catch(() => Buffer.from('')));
    const metadata = buildMetadata(script, context, {
      name: OUTBOX_PLATFORM,
      refreshToken: '',
      privacy: 'private',
      dailyCap: 0,
      windows: [],
      timezone: 'UTC',
      categoryId: '25',
      language: null,
      quota: { uploads: 0, general: 0 },
      analytics: false,
    });
    const shard = String(Math.floor(edit.editId / 1000)).padStart(4, '0');
    const folder = join(this.dir, 'videos', shard);
    const video = join(folder, `${edit.editId}.mp4`);
    await mkdir(folder, { recursive: true });
    const existing = await stat(video).catch(() => null);
    if (!existing) {
      const temp = `${video}.part-${randomBytes(4).toString('hex')}`;
      await this.files.download(context.edit.fileKey, temp);
      const record = { backend: 'outbox', standIn: true, editId: edit.editId, fileKey: context.edit.fileKey, storyId: context.story.storyId, metadata };
      await writeFile(join(folder, `${edit.editId}.json`), `${JSON.stringify(record, null, 2)}\n`);
      // The manifest line before the rename: a crash between them repeats the line (readers keep the
      // last line per editId), never loses it.
      await appendFile(join(this.dir, 'manifest.jsonl'), `${JSON.stringify({ ...record, file: `videos/${shard}/${edit.editId}.mp4`, at: new Date().toISOString() })}\n`);
      await rename(temp, video);
    }
    const externalId = `edit-${edit.editId}`;
    let upload = await this.catalog.claimUpload({ editId: edit.editId, platform: OUTBOX_PLATFORM, channel: OUTBOX_PLATFORM });
    if (upload.externalId === null) upload = await this.catalog.updateUpload({ uploadId: upload.uploadId, status: 'uploaded', externalId, error: null });
    const publishedAt = new Date().toISOString();
    const recorded = await this.catalog.recordPublication({
      editId: edit.editId,
      platform: OUTBOX_PLATFORM,
      account: OUTBOX_PLATFORM,
      externalId,
      url: null,
      publishedAt,
      title: metadata.snippet.title,
      uploadStatus: 'outbox',
    });
    const stored = recorded.created ? null : await this.catalog.getPublication(recorded.publicationId);
    log.info(`edit ${edit.editId} put in the outbox (${video}); nothing was published to a platform`);
    const event: VideoPublishedV1 = {
      publicationId: recorded.publicationId,
      editId: edit.editId,
      platform: OUTBOX_PLATFORM,
      account: OUTBOX_PLATFORM,
      externalId,
      url: null,
      publishedAt: stored?.publication.publishedAt ?? publishedAt,
      title: metadata.snippet.title,
      uploadStatus: 'outbox',
      standIn: true,
    };
    if (upload.status === 'published') return { event, announced: false };
    await announce(event);
    await this.catalog.updateUpload({ uploadId: upload.uploadId, status: 'published' });
    return { event, announced: true };
  }
}
