import { moovBeforeMdat, probe as probeFile, runTool } from '#media';

export interface ProbedStream {
  codec: string;
  profile: string | null;
  durationS: number | null;
}

/** The parts of `#media`'s probe the editor reads, with the video's rates spelled out. */
export interface ProbedMedia {
  formatDurationS: number;
  video: (ProbedStream & { width: number; height: number; pixFmt: string; fps: number; avgFps: number }) | null;
  audio: (ProbedStream & { sampleRate: number; channels: number }) | null;
}

/** ffprobe's view of a file (through `#media`): a file it cannot read is a `MediaInputError`. */
export async function probe(path: string, timeoutMs = 60_000): Promise<ProbedMedia> {
  const probed = await probeFile(path, { timeoutMs, context: 'probe' });
  const { video, audio } = probed;
  return {
    formatDurationS: probed.durationS ?? 0,
    video: video
      ? {
          codec: video.codec ?? 'unknown',
          profile: video.profile,
          durationS: video.durationS,
          width: video.width ?? 0,
          height: video.height ?? 0,
          pixFmt: video.pixFmt ?? 'unknown',
          fps: video.fps ?? 0,
          avgFps: video.fps ?? 0,
        }
      : null,
    audio: audio
      ? { codec: audio.codec ?? 'unknown', profile: audio.profile, durationS: audio.durationS, sampleRate: audio.sampleRate ?? 0, channels: audio.channels ?? 0 }
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
export const hasFaststart = moovBeforeMdat;
