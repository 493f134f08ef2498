import { open } from 'node:fs/promises';
import { runTool } from './media-tool.js';

export interface ProbedStream {
  codec: string;
  profile: string | null;
  durationS: number | null;
}

export interface ProbedMedia {
  formatDurationS: number;
  video: (ProbedStream & { width: number; height: number; pixFmt: string; fps: number; avgFps: number }) | null;
  audio: (ProbedStream & { sampleRate: number; channels: number }) | null;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  duration?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
}

/** ffprobe's view of a file: the first video and audio stream, with what the QA gate checks. */
export async function probe(path: string, timeoutMs = 60_000): Promise<ProbedMedia> {
  const { stdout } = await runTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], {
    timeoutMs,
    captureStdout: true,
    context: 'probe',
  });
  const parsed = JSON.parse(stdout.toString('utf8')) as { format?: { duration?: string }; streams?: RawStream[] };
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    formatDurationS: num(parsed.format?.duration) ?? 0,
    video: video
      ? {
          codec: video.codec_name ?? 'unknown',
          profile: video.profile ?? null,
          durationS: num(video.duration),
          width: video.width ?? 0,
          height: video.height ?? 0,
          pixFmt: video.pix_fmt ?? 'unknown',
          fps: rate(video.r_frame_rate),
          avgFps: rate(video.avg_frame_rate),
        }
      : null,
    audio: audio
      ? {
          codec: audio.codec_name ?? 'unknown',
          profile: audio.profile ?? null,
          durationS: num(audio.duration),
          sampleRate: Number(audio.sample_rate ?? 0),
          channels: audio.channels ?? 0,
        }
      : null,
  };
}

/**
 * Whether the video's frames come at one steady rate: presentation times sorted, every step within
 * a millisecond of 1/fps. Reads packet headers only (no decoding), so it is cheap.
 */
export async function isConstantFrameRate(path: string, fps: number, timeoutMs = 60_000): Promise<boolean> {
  const { stdout } = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], {
    timeoutMs,
    captureStdout: true,
    context: 'frame timing',
  });
  const times = stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Number(line.split(',')[0]))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  if (times.length < 2 || !(fps > 0)) return false;
  const step = 1 / fps;
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i]! - times[i - 1]! - step) > 0.001) return false;
  }
  return true;
}

/** Whether the `moov` box comes before `mdat`: a player can start before the whole file arrives. */
export async function hasFaststart(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let boxes = 0; offset + 8 <= size && boxes < 1000; boxes++) {
      await handle.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'moov') return true;
      if (type === 'mdat') return false;
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      else if (boxSize === 0) return false;
      if (boxSize < 8) return false;
      offset += boxSize;
    }
    return false;
  } finally {
    await handle.close();
  }
}

function num(text: string | undefined): number | null {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) ? value : null;
}

function rate(text: string | undefined): number {
  const [n, d] = (text ?? '').split('/').map(Number);
  const value = d ? n! / d : Number(n);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
