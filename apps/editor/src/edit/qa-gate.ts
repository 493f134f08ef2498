import { join } from 'node:path';
import { blackFreezeFilters, escapeFilterPath } from './analysis.js';
import { longest, readFrameMetadata, stretches, type Stretch } from './frame-metadata.js';
import { measureEbur128, parseEbur128Summary } from './loudness.js';
import { runTool } from '#media';
import type { PlatformProfile } from './platform-profile.js';
import { hasFaststart, probe } from './probe.js';

/** Everything the gate measured on one output; stored with the edit. */
export interface QaFigures {
  width: number;
  height: number;
  videoCodec: string | null;
  videoProfile: string | null;
  pixFmt: string | null;
  fps: number;
  audioCodec: string | null;
  audioSampleRate: number;
  audioChannels: number;
  faststart: boolean;
  durationS: number;
  videoDurationS: number;
  audioDurationS: number;
  avDriftMs: number;
  lufs: number;
  truePeakDb: number;
  lraLu: number;
  longestBlackS: number;
  longestFrozenS: number;
  black: Stretch[];
  frozen: Stretch[];
}

export interface QaOutcome {
  passed: boolean;
  failures: string[];
  figures: QaFigures;
}

/** A failed gate: the figures travel with the error, into the log and the dead letter. */
export class QaGateError extends Error {
  override readonly name = 'QaGateError';
  constructor(
    readonly failures: string[],
    readonly figures: QaFigures,
  ) {
    super(`QA gate failed: ${failures.join('; ')}`);
  }
}

export interface MeasureOptions {
  workDir: string;
  timeoutMs: number;
  /**
   * Black and frozen stretches already measured on exactly the frames that were encoded (the
   * render taps them); without them the output is decoded once more.
   */
  videoScan?: { black: Stretch[]; frozen: Stretch[] };
}

/** Measures an output file: ffprobe spec, box order, durations, EBU R128 loudness, black and frozen stretches. */
export async function measureOutput(file: string, options: MeasureOptions): Promise<QaFigures> {
  const probed = await probe(file, options.timeoutMs);
  const video = probed.video;
  const audio = probed.audio;
  const durationS = probed.formatDurationS;
  let scan = options.videoScan;
  let loudness = { integratedLufs: Number.NEGATIVE_INFINITY, truePeakDb: Number.NEGATIVE_INFINITY, lraLu: 0 };
  if (scan && audio) loudness = await measureEbur128(file, options.timeoutMs);
  if (!scan && video) {
    const metadataFile = join(options.workDir, 'qa-black-freeze.txt');
    const graph = [`[0:v]${blackFreezeFilters(0.1, 0.5)},metadata=mode=print:file=${escapeFilterPath(metadataFile)}[v]`];
    const maps = ['-map', '[v]', '-f', 'null', '-'];
    if (audio) {
      graph.push('[0:a]ebur128=peak=true[a]');
      maps.push('-map', '[a]', '-f', 'null', '-');
    }
    const { stderr } = await runTool('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', file, '-filter_complex', graph.join(';'), ...maps], {
      timeoutMs: options.timeoutMs,
      context: 'QA scan',
    });
    const frames = await readFrameMetadata(metadataFile);
    scan = {
      black: stretches(frames, 'lavfi.black_start', 'lavfi.black_end', durationS),
      frozen: stretches(frames, 'lavfi.freezedetect.freeze_start', 'lavfi.freezedetect.freeze_end', durationS),
    };
    if (audio) loudness = parseEbur128Summary(stderr);
  }
  const videoDurationS = video?.durationS ?? durationS;
  const audioDurationS = audio?.durationS ?? 0;
  return {
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    videoCodec: video?.codec ?? null,
    videoProfile: video?.profile ?? null,
    pixFmt: video?.pixFmt ?? null,
    fps: video?.avgFps ?? 0,
    audioCodec: audio?.codec ?? null,
    audioSampleRate: audio?.sampleRate ?? 0,
    audioChannels: audio?.channels ?? 0,
    faststart: await hasFaststart(file),
    durationS: round(durationS, 3),
    videoDurationS: round(videoDurationS, 3),
    audioDurationS: round(audioDurationS, 3),
    avDriftMs: audio ? round(Math.abs(audioDurationS - videoDurationS) * 1000, 1) : Number.POSITIVE_INFINITY,
    lufs: loudness.integratedLufs,
    truePeakDb: loudness.truePeakDb,
    lraLu: loudness.lraLu,
    longestBlackS: round(longest(scan?.black ?? []), 3),
    longestFrozenS: round(longest(scan?.frozen ?? []), 3),
    black: scan?.black ?? [],
    frozen: scan?.frozen ?? [],
  };
}

/** What is wrong with the figures for this profile; empty when the output may be published. */
export function qaFailures(f: QaFigures, profile: PlatformProfile): string[] {
  const failures: string[] = [];
  if (f.width !== profile.width || f.height !== profile.height) failures.push(`resolution ${f.width}x${f.height}, needs ${profile.width}x${profile.height}`);
  if (f.videoCodec !== 'h264' || f.videoProfile !== 'High') failures.push(`video ${f.videoCodec ?? 'missing'} ${f.videoProfile ?? ''}, needs h264 High`.trim());
  if (f.pixFmt !== 'yuv420p') failures.push(`pixel format ${f.pixFmt ?? 'missing'}, needs yuv420p`);
  if (f.audioCodec !== 'aac') failures.push(`audio ${f.audioCodec ?? 'missing'}, needs aac`);
  else if (f.audioSampleRate !== profile.audioSampleRate) failures.push(`audio at ${f.audioSampleRate} Hz, needs ${profile.audioSampleRate} Hz`);
  if (!f.faststart) failures.push('moov box after mdat (not faststart)');
  if (f.durationS > profile.maxDurationS + 0.05) failures.push(`duration ${f.durationS} s over the ${profile.maxDurationS} s of ${profile.name}`);
  if (f.durationS < profile.minDurationS) failures.push(`duration ${f.durationS} s under the ${profile.minDurationS} s minimum`);
  if (!(f.avDriftMs <= profile.maxAvDriftMs)) failures.push(`audio ${f.audioDurationS} s vs video ${f.videoDurationS} s: drift ${f.avDriftMs} ms over ${profile.maxAvDriftMs} ms`);
  if (!(Math.abs(f.lufs - profile.loudnessLufs) <= profile.loudnessToleranceLu)) {
    failures.push(`loudness ${f.lufs} LUFS outside ${profile.loudnessLufs} ± ${profile.loudnessToleranceLu}`);
  }
  if (!(f.truePeakDb <= profile.truePeakDb)) failures.push(`true peak ${f.truePeakDb} dBTP over ${profile.truePeakDb} dBTP`);
  if (f.longestBlackS > profile.maxBlackS) failures.push(`black for ${f.longestBlackS} s (at ${at(f.black)}), at most ${profile.maxBlackS} s`);
  if (f.longestFrozenS > profile.maxFrozenS) failures.push(`frozen for ${f.longestFrozenS} s (at ${at(f.frozen)}), at most ${profile.maxFrozenS} s`);
  return failures;
}

/** Measures and judges; a failure throws `QaGateError` with every figure. */
export async function qaGate(file: string, profile: PlatformProfile, options: MeasureOptions): Promise<QaOutcome> {
  const figures = await measureOutput(file, options);
  const failures = qaFailures(figures, profile);
  if (failures.length > 0) throw new QaGateError(failures, figures);
  return { passed: true, failures, figures };
}

function at(list: Stretch[]): string {
  const worst = [...list].sort((a, b) => b.endS - b.startS - (a.endS - a.startS))[0];
  return worst ? `${worst.startS.toFixed(2)}–${worst.endS.toFixed(2)} s` : '?';
}

function round(value: number, digits: number): number {
  const k = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * k) / k : value;
}
