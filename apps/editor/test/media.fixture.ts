import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YOUTUBE_SHORTS, type EditVideoOptions, type PlatformProfile } from '../src/edit/index.js';
import { runTool } from '#media';

/** Shorts rules at a small size, so a spec encodes a few hundred kilopixels instead of 2 megapixels a frame. */
export const SMALL_SHORTS: PlatformProfile = { ...YOUTUBE_SHORTS, name: 'test-small-shorts', width: 360, height: 640 };

export interface InputSpec {
  durationS: number;
  width?: number;
  height?: number;
  fps?: number;
  /** A lavfi video source; `testsrc2` moves every frame. */
  video?: string;
  /** A lavfi audio source expression; null = no audio stream. */
  audio?: string | null;
  /** Extra video filters (e.g. dropping frames for a variable rate). */
  videoFilter?: string;
  /** `-fps_mode vfr` keeps irregular timestamps. */
  vfr?: boolean;
  /** Encode as the profile asks (H.264 High), so the editor may copy the picture. */
  high?: boolean;
}

/** A sine tone at 1/8 of full scale (about −21 LUFS in mono) with silent gaps. */
export function toneWithGaps(durationS: number, gaps: [number, number][], volumeDb = 0): string {
  const silent = gaps.map(([a, b]) => `between(t,${a},${b})`).join('+') || '0';
  return `sine=f=440:sample_rate=48000:d=${durationS},volume='if(${silent},0,1)':eval=frame,volume=${volumeDb}dB`;
}

/** Makes a test input with ffmpeg's own sources. */
export async function makeInput(path: string, spec: InputSpec): Promise<string> {
  const fps = spec.fps ?? 30;
  const size = `${spec.width ?? 360}x${spec.height ?? 640}`;
  const video = spec.video ?? `testsrc2=s=${size}:r=${fps}:d=${spec.durationS}`;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', video];
  const audio = spec.audio === undefined ? toneWithGaps(spec.durationS, []) : spec.audio;
  if (audio !== null) args.push('-f', 'lavfi', '-i', audio);
  if (spec.videoFilter) args.push('-vf', spec.videoFilter);
  if (spec.vfr) args.push('-fps_mode', 'vfr');
  args.push('-c:v', 'libx264', '-preset', spec.high ? 'superfast' : 'ultrafast', '-pix_fmt', 'yuv420p', '-t', String(spec.durationS));
  if (audio !== null) args.push('-c:a', 'aac', '-b:a', '128k');
  args.push(path);
  await runTool('ffmpeg', args, { timeoutMs: 120_000, context: 'test input' });
  return path;
}

export class MediaDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<MediaDir> {
    return new MediaDir(await mkdtemp(join(tmpdir(), 'editor-spec-')));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** A fresh work folder per edit (the stage makes one per message). */
  async work(): Promise<string> {
    return mkdtemp(join(this.path, 'work-'));
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

export async function editOptions(dir: MediaDir, profile: PlatformProfile = SMALL_SHORTS): Promise<EditVideoOptions> {
  return {
    profile,
    workDir: await dir.work(),
    timeoutMs: 120_000,
    x264Preset: 'superfast',
    silenceThresholdDb: -35,
    silenceMinS: 0.6,
    sceneThreshold: 0.3,
  };
}

/** Packet presentation times of the first video stream, sorted. */
export async function videoPacketTimes(path: string): Promise<number[]> {
  const { stdout } = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], { captureStdout: true });
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number)
    .sort((a, b) => a - b);
}
