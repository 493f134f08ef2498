import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaV1 } from '#contracts';
import { FilesClient, FilesError } from '#files-client';
import sharp from 'sharp';
import type winston from 'winston';
import type { StoryMedia } from './story.types.js';

export interface MediaInputOptions {
  maxImages: number;
  side: number;
  keyframes: number;
  ffmpegPath: string;
}

/** A media row with a stored file the writer may use. */
export function usable(media: MediaV1): boolean {
  return (media.kind === 'image' || media.kind === 'video') && media.fileKey !== null && media.status !== 'failed' && media.status !== 'skipped';
}

/**
 * The article's stored images and videos as the writer gets them: images shrunk to fit a square
 * and sent as JPEG data URLs, videos as a few keyframes (ffmpeg). A medium that cannot be read is
 * left out with a warning; the story is written from the rest.
 */
export async function prepareMedia(files: FilesClient, media: MediaV1[], options: MediaInputOptions, log: winston.Logger): Promise<StoryMedia[]> {
  const out: StoryMedia[] = [];
  let images = 0;
  for (const item of media.filter(usable)) {
    const entry: StoryMedia = { mediaId: item.mediaId, kind: item.kind as 'image' | 'video', caption: item.caption, durationS: item.durationS, dataUrls: [] };
    try {
      if (item.kind === 'image' && images < options.maxImages) {
        entry.dataUrls.push(await jpegDataUrl(await files.get(item.fileKey!), options.side));
        images++;
      } else if (item.kind === 'video' && options.keyframes > 0 && images < options.maxImages) {
        const frames = await videoKeyframes(files, item, options);
        entry.dataUrls.push(...frames.slice(0, Math.max(1, options.maxImages - images)));
        images += entry.dataUrls.length;
      }
    } catch (error) {
      if (error instanceof FilesError && error.retryable) throw error;
      log.warn(`media ${item.mediaId} (${item.kind}) left out of the prompt: ${(error as Error).message.slice(0, 300)}`);
      continue;
    }
    out.push(entry);
  }
  return out;
}

async function jpegDataUrl(bytes: Buffer, side: number): Promise<string> {
  const jpeg = await sharp(bytes, { limitInputPixels: 100_000_000 }).rotate().resize(side, side, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 80 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/** The first frame and evenly spread ones after it, each through sharp like an image. */
async function videoKeyframes(files: FilesClient, video: MediaV1, options: MediaInputOptions): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'story-video-'));
  try {
    const file = join(dir, 'video');
    await files.download(video.fileKey!, file);
    const duration = video.durationS ?? 0;
    const times = Array.from({ length: options.keyframes }, (_, index) => (duration > 0 ? (duration * index) / options.keyframes : index));
    const urls: string[] = [];
    for (const time of times) {
      const png = await frameAt(options.ffmpegPath, file, time);
      if (png.length > 0) urls.push(await jpegDataUrl(png, options.side));
    }
    if (urls.length === 0) throw new Error('ffmpeg found no frame in the video');
    return urls;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function frameAt(ffmpeg: string, file: string, timeS: number): Promise<Buffer> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', timeS.toFixed(2), '-i', file, '-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`ffmpeg could not start (${error.message}); install ffmpeg or set FFMPEG_PATH`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited ${code}: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}
