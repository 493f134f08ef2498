import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaRejectedError } from './media.errors.js';

export interface ProbedVideo {
  container: 'mp4' | 'webm';
  durationS: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
}

export interface Keyframe {
  frame: number;
  atS: number;
  path: string;
}

/** Demuxer per container we accept, forced so ffmpeg never guesses (an HLS playlist could reach the network). */
const DEMUXERS = { mp4: 'mov', webm: 'matroska' } as const;

/**
 * ffprobe and ffmpeg over downloaded files. Only MP4 and WebM are read, recognised by their first
 * bytes; the demuxer is forced and only the `file` protocol is allowed, so a hostile file cannot
 * make ffmpeg open URLs or other local files; every run has a time limit and is killed after it.
 */
export class FfmpegClient {
  constructor(
    private readonly timeoutMs: number,
    private readonly binaries: { ffmpeg: string; ffprobe: string } = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
  ) {}

  async probe(path: string): Promise<ProbedVideo> {
    const container = await sniffContainer(path);
    const { stdout } = await this.run(this.binaries.ffprobe, [
      '-v', 'error', '-protocol_whitelist', 'file', '-f', DEMUXERS[container],
      '-print_format', 'json', '-show_format', '-show_streams', path,
    ]);
    let parsed: { format?: { duration?: string }; streams?: Array<Record<string, unknown>> };
    try {
      parsed = JSON.parse(stdout) as typeof parsed;
    } catch {
      throw new MediaRejectedError('ffmpeg', 'ffprobe printed something that is not JSON');
    }
    const streams = parsed.streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video' && s.disposition && (s.disposition as Record<string, number>).attached_pic !== 1);
    if (!video) throw new MediaRejectedError('no-video-stream', 'the file has no video stream');
    const durationS = Number(parsed.format?.duration ?? video.duration);
    const width = Number(video.width);
    const height = Number(video.height);
    if (!Number.isFinite(durationS) || durationS <= 0) throw new MediaRejectedError('undecodable', 'the video has no duration');
    if (!(width > 0 && height > 0 && width <= 16_384 && height <= 16_384)) {
      throw new MediaRejectedError('undecodable', `the video declares an unusable size ${width}x${height}`);
    }
    return { container, durationS, width, height, fps: frameRate(String(video.avg_frame_rate ?? video.r_frame_rate ?? '')), hasAudio: streams.some((s) => s.codec_type === 'audio') };
  }

  /** `count` frames spread over the video (middles of equal parts), as JPEGs at most 640 px wide. */
  async keyframes(path: string, video: ProbedVideo, count: number, outDir: string): Promise<Keyframe[]> {
    const frames: Keyframe[] = [];
    for (let i = 0; i < count; i++) {
      const atS = Math.max(0, (video.durationS * (i + 0.5)) / count);
      const out = join(outDir, `keyframe-${i}.jpg`);
      await this.run(this.binaries.ffmpeg, [
        '-nostdin', '-v', 'error', '-protocol_whitelist', 'file', '-f', DEMUXERS[video.container],
        '-ss', atS.toFixed(3), '-i', path, '-frames:v', '1', '-an', '-sn', '-dn',
        '-vf', "scale='min(640,iw)':-2", '-q:v', '4', '-y', out,
      ]);
      frames.push({ frame: Math.round(atS * video.fps), atS, path: out });
    }
    return frames;
  }

  private run(binary: string, args: string[]): Promise<{ stdout: string }> {
    return new Promise((resolve, reject) => {
      execFile(binary, args, { timeout: this.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (!error) return resolve({ stdout });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean };
        if (failure.code === 'ENOENT') {
          return reject(new Error(`${binary} is not installed: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) to store videos`));
        }
        const why = failure.killed ? `killed after ${this.timeoutMs} ms` : (stderr || failure.message).trim().split('\n').slice(-3).join(' / ');
        reject(new MediaRejectedError('ffmpeg', `${binary.split('/').pop()} failed: ${why.slice(0, 500)}`));
      });
    });
  }
}

async function sniffContainer(path: string): Promise<'mp4' | 'webm'> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    if (bytesRead >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'mp4';
    if (bytesRead >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
    throw new MediaRejectedError('format', 'not an MP4 or WebM file (only direct video files are stored; players are recorded by URL)');
  } finally {
    await handle.close();
  }
}

function frameRate(text: string): number {
  const [num, den] = text.split('/').map(Number);
  const fps = den ? num! / den : Number(num);
  return Number.isFinite(fps) && fps > 0 && fps < 1000 ? fps : 25;
}
