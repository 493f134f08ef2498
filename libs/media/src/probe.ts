import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import { MediaInputError, MediaToolError } from './errors.js';
import { ffprobe, type RunOptions } from './process.js';

export interface ProbedStream {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';
  codec: string | null;
  profile: string | null;
  /** Video only. */
  width: number | null;
  height: number | null;
  pixFmt: string | null;
  /** Average frame rate (video), null when unknown. */
  fps: number | null;
  /** Audio only. */
  sampleRate: number | null;
  channels: number | null;
  durationS: number | null;
  /** Frames (video) as counted from packets, when asked for (`countFrames`). */
  frames: number | null;
}

export interface ProbeResult {
  path: string;
  bytes: number;
  formatName: string | null;
  durationS: number | null;
  streams: ProbedStream[];
  video: ProbedStream | null;
  audio: ProbedStream | null;
  /** MP4/MOV: the `moov` index comes before `mdat` (plays while downloading). False for other formats. */
  faststart: boolean;
}

const num = z.union([z.number(), z.string()]).optional().transform((v) => {
  if (v === undefined || v === 'N/A') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
});

// Only the ffprobe fields we read; everything else passes.
const ProbeJson = z.object({
  streams: z
    .array(
      z.object({
        index: z.number().int(),
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        profile: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        avg_frame_rate: z.string().optional(),
        r_frame_rate: z.string().optional(),
        sample_rate: num,
        channels: z.number().optional(),
        duration: num,
        nb_read_packets: num,
      }),
    )
    .default([]),
  format: z.object({ format_name: z.string().optional(), duration: num }).optional(),
});

function rate(text: string | undefined): number | null {
  if (!text) return null;
  const [n, d] = text.split('/').map(Number);
  if (!Number.isFinite(n) || !Number.isFinite(d) || d === 0 || n === 0) return null;
  return n / d;
}

const STREAM_TYPES = new Set(['video', 'audio', 'subtitle', 'data', 'attachment']);

/**
 * What a media file holds: streams, codecs, duration, frame rate, and whether an MP4 is
 * faststart. A file ffprobe cannot read is a `MediaInputError` naming the file.
 * `countFrames` decodes nothing but reads every packet (slower; proves a video has frames).
 */
export async function probe(path: string, options: RunOptions & { countFrames?: boolean } = {}): Promise<ProbeResult> {
  const bytes = (await stat(path)).size;
  if (bytes === 0) throw new MediaInputError(`${options.context ?? path}: the file is empty (0 bytes)`);
  const args = ['-print_format', 'json', '-show_format', '-show_streams'];
  if (options.countFrames) args.push('-count_packets');
  let stdout: Buffer;
  try {
    ({ stdout } = await ffprobe([...args, path], { timeoutMs: 60_000, ...options }));
  } catch (error) {
    if (error instanceof MediaToolError) throw new MediaInputError(`${options.context ?? path}: not a readable media file: ${error.stderr.trim().split('\n').pop() ?? ''}`);
    throw error;
  }
  const parsed = ProbeJson.safeParse(JSON.parse(stdout.toString('utf8') || '{}'));
  if (!parsed.success) throw new MediaInputError(`${options.context ?? path}: unexpected ffprobe output`);
  const streams: ProbedStream[] = parsed.data.streams.map((s) => ({
    index: s.index,
    type: (STREAM_TYPES.has(s.codec_type ?? '') ? s.codec_type : 'unknown') as ProbedStream['type'],
    codec: s.codec_name ?? null,
    profile: s.profile ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    pixFmt: s.pix_fmt ?? null,
    fps: s.codec_type === 'video' ? (rate(s.avg_frame_rate) ?? rate(s.r_frame_rate)) : null,
    sampleRate: s.sample_rate,
    channels: s.channels ?? null,
    durationS: s.duration,
    frames: s.nb_read_packets,
  }));
  const formatName = parsed.data.format?.format_name ?? null;
  return {
    path,
    bytes,
    formatName,
    durationS: parsed.data.format?.duration ?? null,
    streams,
    // An attached cover picture is a "video" stream too; the first real one is what callers mean.
    video: streams.find((s) => s.type === 'video') ?? null,
    audio: streams.find((s) => s.type === 'audio') ?? null,
    faststart: formatName !== null && /mp4|mov/.test(formatName) ? await moovBeforeMdat(path) : false,
  };
}

/** Walks the top-level MP4 boxes: faststart means `moov` is met before `mdat`. */
export async function moovBeforeMdat(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let boxes = 0; offset + 8 <= size && boxes < 1000; boxes++) {
      const { bytesRead } = await file.read(header, 0, 16, offset);
      if (bytesRead < 8) return false;
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'moov') return true;
      if (type === 'mdat') return false;
      if (boxSize === 1) {
        if (bytesRead < 16) return false;
        boxSize = Number(header.readBigUInt64BE(8));
      } else if (boxSize === 0) {
        return false; // the box runs to the end of the file
      }
      if (boxSize < 8) return false;
      offset += boxSize;
    }
    return false;
  } finally {
    await file.close();
  }
}
