import { open, type FileHandle } from 'node:fs/promises';
import type { SessionState, YoutubeClient } from './youtube.client.js';
import type { VideoMetadata, VideoResource } from './youtube.types.js';
import { YoutubeProtocolError, YoutubeSessionGoneError, YoutubeTransientError } from './youtube.errors.js';

export const CHUNK_GRANULE = 256 * 1024;

export interface UploadSource {
  bytes: number;
  contentType: string;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface UploadJob {
  metadata: VideoMetadata;
  source: UploadSource;
  /** A session URI recorded by an earlier attempt (a crash, a redelivery); it is resumed, not replaced. */
  sessionUri: string | null;
  /** Called before a session is opened (a videos.insert call): the place to draw quota; throw to stop. */
  beforeSession?(): Promise<void>;
  /** Called with a new session URI before its first byte is sent; the caller persists it. */
  onSession(uri: string): Promise<void>;
  /** Progress after every accepted chunk (what the server says it holds). */
  onProgress?(received: number): void;
}

export interface UploadOptions {
  /** Bytes per PUT; a multiple of 256 KiB (the protocol's rule for every chunk but the last). */
  chunkBytes?: number;
  /** Consecutive failed exchanges without progress before giving up (the message is retried later). */
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface UploadResult {
  video: VideoResource;
  sessionUri: string;
  /** Sessions opened by this call (0 when a recorded one was finished). */
  sessionsStarted: number;
  /** Bytes put on the wire, re-sends included. */
  bytesSent: number;
  chunks: number;
  retries: number;
  /** Where this call started in the file (non-zero when it resumed an earlier session). */
  resumedAt: number;
}

/**
 * The resumable upload protocol of the YouTube Data API: a session is opened once and its URI
 * persisted before the first byte; chunks go in multiples of 256 KiB; a `308` carries the byte
 * range the server holds and the next chunk starts there (its word, not our count). After a
 * failed exchange the session is asked (`bytes *\/TOTAL`) and the upload resumes; a 401 refreshes
 * the token (in the client) and resumes the same session; 404/410 means the session expired and
 * a new one starts. Nothing else opens a second session, so a video is never uploaded twice.
 */
export class ResumableUploader {
  private readonly chunkBytes: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: YoutubeClient,
    options: UploadOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? 8 * 1024 * 1024;
    if (this.chunkBytes <= 0 || this.chunkBytes % CHUNK_GRANULE !== 0) throw new RangeError(`chunkBytes must be a positive multiple of 256 KiB, not ${this.chunkBytes}`);
    this.maxRetries = options.maxRetries ?? 8;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async upload(job: UploadJob): Promise<UploadResult> {
    const total = job.source.bytes;
    const stats = { sessionsStarted: 0, bytesSent: 0, chunks: 0, retries: 0, resumedAt: 0 };
    let uri = job.sessionUri;
    let state: SessionState | null = null;
    if (uri) {
      state = await this.withRetries(stats, () => this.client.querySession(uri!, total), true);
      if (state === null) uri = null; // gone: start again below
      else if (!state.done) stats.resumedAt = state.received;
    }
    if (!uri) {
      uri = await this.openSession(job, stats);
      state = { done: false, received: 0 };
    }
    let failures = 0;
    while (!state!.done) {
      const offset = (state as { received: number }).received;
      if (offset > total) throw new YoutubeProtocolError(`the session claims ${offset} bytes of a ${total}-byte file`);
      const length = Math.min(this.chunkBytes, total - offset);
      const data = await job.source.read(offset, length);
      try {
        stats.chunks++;
        stats.bytesSent += data.byteLength;
        const next = await this.client.putChunk(uri, data, offset, total);
        if (!next.done && next.received <= offset) failures++;
        else failures = 0;
        state = next;
        if (!next.done) job.onProgress?.(next.received);
      } catch (error) {
        if (error instanceof YoutubeSessionGoneError) {
          uri = await this.openSession(job, stats);
          state = { done: false, received: 0 };
          continue;
        }
        if (!(error instanceof YoutubeTransientError) && !(error instanceof YoutubeProtocolError)) throw error;
        failures++;
        stats.retries++;
        if (failures > this.maxRetries) throw error;
        await this.sleep(this.backoff(failures));
        // After an interruption the server's word is the only count: ask it.
        const asked = await this.withRetries(stats, () => this.client.querySession(uri!, total), true);
        if (asked === null) {
          uri = await this.openSession(job, stats);
          state = { done: false, received: 0 };
        } else {
          state = asked;
        }
      }
      if (failures > this.maxRetries) throw new YoutubeTransientError(`the upload made no progress in ${failures} exchanges`, null);
    }
    return { video: state!.video, sessionUri: uri, ...stats };
  }

  private async openSession(job: UploadJob, stats: { sessionsStarted: number; retries: number }): Promise<string> {
    await job.beforeSession?.();
    const uri = await this.withRetries(stats, () => this.client.startUpload(job.metadata, job.source.bytes, job.source.contentType), false);
    stats.sessionsStarted++;
    await job.onSession(uri!);
    return uri!;
  }

  /** Retries transient failures with backoff; with `goneIsNull`, a 404/410 answers null. */
  private async withRetries<T>(stats: { retries: number }, call: () => Promise<T>, goneIsNull: boolean): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (goneIsNull && error instanceof YoutubeSessionGoneError) return null;
        const transient = error instanceof YoutubeTransientError || error instanceof YoutubeProtocolError;
        if (!transient || attempt > this.maxRetries) throw error;
        stats.retries++;
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

/** A local file as an upload source (random access, so any offset can be re-read). */
export async function fileSource(path: string, contentType: string): Promise<UploadSource & { close(): Promise<void> }> {
  const handle: FileHandle = await open(path, 'r');
  const bytes = (await handle.stat()).size;
  return {
    bytes,
    contentType,
    async read(offset, length) {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new Error(`the file ended at ${offset + filled} of ${bytes} bytes`);
        filled += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}
