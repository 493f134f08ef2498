import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArticleV1, MediaV1 } from '#contracts';
import type { FilesClient } from '#files-client';
import type winston from 'winston';
import type { CatalogClient } from '../catalog.client.js';
import type { FetchSession } from '../fetch/fetch.client.js';
import { describe, failureCode, isInfrastructureFailure } from '../scraper.errors.js';
import type { FfmpegClient } from './ffmpeg.client.js';
import type { ImageProcessor } from './image.processor.js';
import { MediaRejectedError } from './media.errors.js';

export interface MediaLimits {
  imageBytes: number;
  videoBytes: number;
  videoTimeoutMs: number;
  maxVideoSeconds: number;
  keyframes: number;
  tmpDir: string;
}

export interface MediaOutcome {
  mediaId: number;
  kind: MediaV1['kind'];
  position: number;
  /** The stored file, or null (an embed, or a failure). */
  key: string | null;
  /** Thumbnail and keyframes stored beside it. */
  derivedKeys: string[];
  error: { code: string; message: string } | null;
}

const IMAGE_ACCEPT = 'image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.1';
const VIDEO_ACCEPT = 'video/mp4, video/webm;q=0.9, */*;q=0.1';

/**
 * Downloads, checks and stores an article's media one by one. A bad item (a bomb, a 404, a page
 * where a video was promised) fails alone and leaves its row without a file, marked `failed` with
 * the reason; only a failure of the
 * catalog or the files service stops the article, so that the run is retried.
 */
export class MediaService {
  constructor(
    private readonly files: FilesClient,
    private readonly catalog: CatalogClient,
    private readonly images: ImageProcessor,
    private readonly ffmpeg: FfmpegClient,
    private readonly limits: MediaLimits,
  ) {}

  async storeAll(article: ArticleV1, rows: MediaV1[], session: FetchSession, log: winston.Logger, heartbeat: () => void): Promise<MediaOutcome[]> {
    const outcomes: MediaOutcome[] = [];
    for (const row of [...rows].sort((a, b) => a.position - b.position)) {
      const base: MediaOutcome = { mediaId: row.mediaId, kind: row.kind, position: row.position, key: row.fileKey, derivedKeys: [], error: null };
      // Embeds are recorded by URL only (marked skipped: nothing to download); a row with a file
      // was finished by an earlier attempt. A failed row is tried again: a timeout may pass.
      if (row.kind === 'embed') {
        if (row.status !== 'skipped') await this.catalog.updateMedia({ mediaId: row.mediaId, status: 'skipped', error: null });
        outcomes.push(base);
        continue;
      }
      if (row.fileKey) {
        outcomes.push(base);
        continue;
      }
      try {
        const stored = row.kind === 'image' ? await this.storeImage(article, row, session) : await this.storeVideo(article, row, session);
        outcomes.push({ ...base, ...stored });
      } catch (error) {
        if (isInfrastructureFailure(error)) throw error;
        const code = failureCode(error);
        log.warn(`article ${article.articleId}: ${row.kind} ${row.position} (${row.sourceUrl.slice(0, 200)}) not stored: ${describe(error)}`);
        // The row says why, so "failed" and "not downloaded yet" differ long after the run report
        // is gone; the messages name the limit or the setting to change.
        await this.catalog.updateMedia({ mediaId: row.mediaId, status: 'failed', error: `${code}: ${describe(error)}`.slice(0, 1000) });
        outcomes.push({ ...base, error: { code, message: describe(error) } });
      }
      heartbeat();
    }
    return outcomes;
  }

  private async storeImage(article: ArticleV1, row: MediaV1, session: FetchSession): Promise<Pick<MediaOutcome, 'key' | 'derivedKeys'>> {
    const fetched = await session.fetch({ url: row.sourceUrl, maxBytes: this.limits.imageBytes, accept: IMAGE_ACCEPT });
    const image = await this.images.process(fetched.body);
    const owner = { articleId: article.articleId, ownerCreatedAt: article.createdAt, index: row.position + 1 };
    const key = await this.files.allocate({ ...owner, role: 'image', ext: image.ext });
    const put = await this.files.put(key, image.data);
    const thumbKey = await this.files.allocate({ ...owner, role: 'thumb', ext: 'webp' });
    await this.files.put(thumbKey, image.thumb);
    await this.catalog.updateMedia({
      mediaId: row.mediaId,
      fileKey: key,
      bytes: put.bytes,
      sha256: put.sha256,
      width: image.width,
      height: image.height,
      contentType: image.contentType,
    });
    return { key, derivedKeys: [thumbKey] };
  }

  private async storeVideo(article: ArticleV1, row: MediaV1, session: FetchSession): Promise<Pick<MediaOutcome, 'key' | 'derivedKeys'>> {
    const dir = await mkdtemp(join(this.limits.tmpDir, 'scraper-video-'));
    try {
      const file = join(dir, 'download');
      await session.fetch({
        url: row.sourceUrl,
        maxBytes: this.limits.videoBytes,
        accept: VIDEO_ACCEPT,
        toFile: file,
        timeoutMs: this.limits.videoTimeoutMs,
      });
      const video = await this.ffmpeg.probe(file);
      if (video.durationS > this.limits.maxVideoSeconds) {
        throw new MediaRejectedError('too-long', `the video lasts ${Math.round(video.durationS)} s, more than the ${this.limits.maxVideoSeconds} s limit`);
      }
      const frames = await this.ffmpeg.keyframes(file, video, this.limits.keyframes, dir);
      const owner = { articleId: article.articleId, ownerCreatedAt: article.createdAt, index: row.position + 1 };
      const key = await this.files.allocate({ ...owner, role: 'video', ext: video.container });
      const put = await this.files.putFile(key, file);
      const derivedKeys: string[] = [];
      for (const frame of frames) {
        const frameKey = await this.files.allocate({ ...owner, role: 'keyframe', ext: 'jpg', frame: frame.frame });
        await this.files.putFile(frameKey, frame.path);
        derivedKeys.push(frameKey);
      }
      await this.catalog.updateMedia({
        mediaId: row.mediaId,
        fileKey: key,
        bytes: put.bytes,
        sha256: put.sha256,
        width: video.width,
        height: video.height,
        durationS: Math.round(video.durationS * 1000) / 1000,
        contentType: video.container === 'mp4' ? 'video/mp4' : 'video/webm',
      });
      return { key, derivedKeys };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
