import { MediaInputError } from './errors.js';
import { probe } from './probe.js';
import { ffmpeg, x264PresetArgs } from './process.js';

export interface ClipPart {
  /** A model's clip (any size and frame rate). */
  video: string;
  /** Exactly this long in the result (the clip is trimmed, or its last frame held). */
  durationS: number;
  /** `clip`: the clip's own sound; a path: narration muxed in (padded with silence); null: silence. */
  audio: 'clip' | string | null;
}

export interface AssembleOptions {
  width: number;
  height: number;
  fps: number;
  preset?: string;
  timeoutMs?: number;
}

/**
 * Joins clips (one per scene, or one for the story) into one H.264/AAC MP4 at a fixed frame and
 * rate, each part cut to a whole number of frames and exactly as many audio samples, so parts
 * line up with no drift however the model timed its clips. One encode; `+faststart`.
 */
export async function assembleClips(parts: ClipPart[], outPath: string, options: AssembleOptions): Promise<{ durationS: number }> {
  if (parts.length === 0) throw new RangeError('assembleClips needs at least one part');
  const { width, height, fps } = options;
  const args: string[] = [];
  const graph: string[] = [];
  const pieces: string[] = [];
  let input = 0;
  let totalFrames = 0;
  for (const [i, part] of parts.entries()) {
    const probed = await probe(part.video, { context: `clip ${i + 1}` });
    if (!probed.video) throw new MediaInputError(`clip ${i + 1}: has no video stream`);
    if (part.audio === 'clip' && !probed.audio) throw new MediaInputError(`clip ${i + 1}: the model said it has sound, but the clip has no audio stream`);
    const frames = Math.max(1, Math.round(part.durationS * fps));
    const exactS = frames / fps;
    totalFrames += frames;
    args.push('-i', part.video);
    const videoInput = input++;
    graph.push(
      `[${videoInput}:v]fps=${fps},scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,format=yuv420p,` +
        `tpad=stop_mode=clone:stop_duration=${exactS.toFixed(3)},trim=end_frame=${frames},settb=1/${fps},setpts=N[v${i}]`,
    );
    let audioIn: string;
    if (part.audio === 'clip') {
      audioIn = `[${videoInput}:a]`;
    } else if (part.audio) {
      args.push('-i', part.audio);
      audioIn = `[${input++}:a]`;
    } else {
      graph.push(`anullsrc=r=48000:cl=stereo[silence${i}]`);
      audioIn = `[silence${i}]`;
    }
    graph.push(
      `${audioIn}aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,` +
        `apad=whole_dur=${exactS.toFixed(4)},atrim=end_sample=${Math.round(exactS * 48000)},asetpts=N/SR/TB[a${i}]`,
    );
    pieces.push(`[v${i}][a${i}]`);
  }
  graph.push(`${pieces.join('')}concat=n=${parts.length}:v=1:a=1[vout][aout]`);
  await ffmpeg(
    [
      ...args,
      '-filter_complex', graph.join(';'),
      '-map', '[vout]', '-map', '[aout]',
      '-c:v', 'libx264', ...x264PresetArgs(options.preset ?? 'superfast'), '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-crf', '23',
      '-r', String(fps), '-g', String(fps * 2),
      '-c:a', 'aac', '-b:a', '160k', '-ar', '48000', '-ac', '2',
      '-movflags', '+faststart',
      outPath,
    ],
    { timeoutMs: options.timeoutMs ?? 15 * 60_000, context: `assemble ${parts.length} clips` },
  );
  return { durationS: totalFrames / fps };
}
