import { join } from 'node:path';
import type { EditDecisionListV1 } from '#contracts';
import { pictureScanFilters, type Scan } from './analysis.js';
import { readFrameMetadata, stretches, type Stretch } from './frame-metadata.js';
import { measureLoudnorm, planLoudness, settleLimitedGain, type LoudnessPlan } from './loudness.js';
import { MediaInputError, runTool, x264PresetArgs } from '#media';
import type { PlatformProfile } from './platform-profile.js';
import type { ProbedMedia } from './probe.js';
import { keptSegments, outputFrames, selectExpression, toOutputSpan, toOutputTime, type Segment } from './timeline.js';

export interface ExecuteOptions {
  workDir: string;
  timeoutMs: number;
  /** x264 preset: the speed / size trade (quality is fixed by the profile's CRF). */
  x264Preset: string;
}

export interface Rendered {
  path: string;
  /** `copy`: the picture was already right and only the sound was re-encoded. */
  video: 'copy' | 'encode';
  durationS: number;
  segments: Segment[];
  loudness: LoudnessPlan;
  /** Black and frozen stretches of exactly the frames that went into the file. */
  videoScan: { black: Stretch[]; frozen: Stretch[] };
  /** Scene changes in the output, in output seconds (measured in the same pass). */
  sceneChangesS: number[];
  thumbnailS: number;
}

/**
 * Carries out a plan with ffmpeg: constant frame rate, scaled and padded to the profile, cut at
 * frame boundaries (picture with `select`, sound in blocks of exactly one frame with `aselect`),
 * emphasis, two-pass loudness, H.264 High / AAC, `+faststart`. When the input is already what the
 * profile asks and the plan changes no picture, the video stream is copied (only the sound is
 * re-encoded), which is many times faster.
 */
export async function executePlan(
  input: string,
  probed: ProbedMedia,
  plan: EditDecisionListV1,
  profile: PlatformProfile,
  inputScan: Scan,
  options: ExecuteOptions & { sceneThreshold: number },
): Promise<Rendered> {
  if (!probed.video) throw new MediaInputError('the input has no video stream');
  const fps = profile.fps;
  const segments = keptSegments(plan, fps, profile.maxDurationS);
  const frames = outputFrames(segments);
  if (frames < Math.max(1, profile.minDurationS * fps)) {
    throw new MediaInputError(`the plan leaves ${(frames / fps).toFixed(2)} s of video, under the ${profile.minDurationS} s minimum of ${profile.name}`);
  }
  const durationS = frames / fps;
  const samplesPerFrame = profile.audioSampleRate / fps;
  if (!Number.isInteger(samplesPerFrame)) throw new Error(`profile ${profile.name}: ${profile.audioSampleRate} Hz is not a whole number of samples per frame at ${fps} fps`);

  const single = segments.length === 1 && segments[0]!.startFrame === 0;
  const video = probed.video;
  const pictureReady =
    plan.source.constantFrameRate &&
    Math.abs(video.fps - fps) < 0.01 &&
    video.codec === 'h264' &&
    video.profile === 'High' &&
    video.pixFmt === 'yuv420p' &&
    video.width === profile.width &&
    video.height === profile.height;
  const copy = single && pictureReady && plan.emphasis.length === 0;

  const select = selectExpression(segments, fps);
  const audioChain = [
    `aresample=${profile.audioSampleRate}:first_pts=0`,
    `aformat=sample_fmts=fltp:channel_layouts=${profile.audioChannels === 1 ? 'mono' : 'stereo'}`,
    `apad=whole_dur=${(segments.at(-1)!.endFrame / fps).toFixed(6)}`,
    ...(copy ? [] : [`asetnsamples=n=${samplesPerFrame}:p=1`, `aselect='${select}'`, 'asetpts=N/SR/TB']),
  ].join(',');
  const hasAudio = probed.audio !== null;
  let loudness: LoudnessPlan = {
    mode: 'none',
    filter: '',
    gainDb: 0,
    measured: { inputI: Number.NEGATIVE_INFINITY, inputTp: Number.NEGATIVE_INFINITY, inputLra: 0, inputThresh: -70, targetOffset: 0 },
    reason: 'the input has no sound',
  };
  if (hasAudio) {
    loudness = planLoudness(await measureLoudnorm(input, audioChain, profile, options.timeoutMs), profile);
    loudness = await settleLimitedGain(input, audioChain, loudness, profile, options.timeoutMs);
  }
  const audioGraph = hasAudio ? `[0:a]${audioChain}${loudness.filter ? `,${loudness.filter}` : ''}[aout]` : null;

  const output = join(options.workDir, 'edited.mp4');
  const encodeAudio = ['-c:a', 'aac', '-b:a', `${profile.audioBitrateKbps}k`, '-ar', String(profile.audioSampleRate), '-ac', String(profile.audioChannels)];
  const common = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-i', input];
  const tail = ['-t', durationS.toFixed(6), '-movflags', '+faststart', output];
  let videoScan: Rendered['videoScan'];
  let sceneChangesS: number[];
  const qaFile = join(options.workDir, 'render-black-freeze.txt');
  const sceneFile = join(options.workDir, 'render-scene.txt');
  const readTap = async (endS: number) => {
    const frames = await readFrameMetadata(qaFile);
    return {
      scan: {
        black: stretches(frames, 'lavfi.black_start', 'lavfi.black_end', endS),
        frozen: stretches(frames, 'lavfi.freezedetect.freeze_start', 'lavfi.freezedetect.freeze_end', endS),
      },
      scenes: (await readFrameMetadata(sceneFile)).map((f) => f.ptsTimeS).filter((t) => Number.isFinite(t)),
    };
  };
  if (copy) {
    // The copied frames are the input's. Scanned before the plan: its lists, clipped to what was
    // kept. Not scanned: the same pass decodes the picture for the detectors while it copies it.
    const tap = inputScan.videoScanned ? null : `[0:v]${pictureScanFilters(qaFile, sceneFile, options.sceneThreshold)},nullsink`;
    const graph = [audioGraph, tap].filter((g): g is string => g !== null).join(';');
    const args = [...common, ...(graph ? ['-filter_complex', graph] : []), '-map', '0:v:0', ...(audioGraph ? ['-map', '[aout]', ...encodeAudio] : []), '-c:v', 'copy', ...tail];
    await runTool('ffmpeg', args, { timeoutMs: options.timeoutMs, context: 'edit (picture copied)' });
    const clip = (list: Stretch[]) => list.filter((s) => s.startS < durationS).map((s) => ({ startS: s.startS, endS: Math.min(s.endS, durationS) }));
    if (inputScan.videoScanned) {
      videoScan = { black: clip(inputScan.black), frozen: clip(inputScan.frozen) };
      sceneChangesS = inputScan.sceneChangesS.filter((t) => t < durationS);
    } else {
      const measured = await readTap(durationS);
      videoScan = { black: clip(measured.scan.black), frozen: clip(measured.scan.frozen) };
      sceneChangesS = measured.scenes.filter((t) => t < durationS);
    }
  } else {
    const emphasis = plan.emphasis
      .map((e) => toOutputSpan(segments, fps, e.startS, e.endS))
      .filter((span): span is { startS: number; endS: number } => span !== null)
      .map((span) => `eq=contrast=1.12:saturation=1.25:enable='between(t,${span.startS.toFixed(3)},${span.endS.toFixed(3)})'`);
    const videoGraph =
      `[0:v]fps=${fps},scale=${profile.width}:${profile.height}:force_original_aspect_ratio=decrease,` +
      `pad=${profile.width}:${profile.height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,` +
      `select='${select}',setpts=N/${fps}/TB,${emphasis.map((e) => `${e},`).join('')}format=yuv420p,split=2[vout][vqa];` +
      `[vqa]${pictureScanFilters(qaFile, sceneFile, options.sceneThreshold)},nullsink`;
    const graph = audioGraph ? `${videoGraph};${audioGraph}` : videoGraph;
    const args = [
      ...common,
      '-filter_complex', graph,
      '-map', '[vout]', ...(audioGraph ? ['-map', '[aout]', ...encodeAudio] : []),
      '-c:v', 'libx264', ...x264PresetArgs(options.x264Preset), '-crf', String(profile.videoBitrateCrf), '-profile:v', 'high', '-pix_fmt', 'yuv420p',
      '-r', String(fps), '-fps_mode', 'cfr', '-g', String(fps * 2),
      ...tail,
    ];
    await runTool('ffmpeg', args, { timeoutMs: options.timeoutMs, context: 'edit (re-encode)' });
    const measured = await readTap(durationS);
    videoScan = measured.scan;
    sceneChangesS = measured.scenes;
  }
  const thumbnailS = toOutputTime(segments, fps, plan.thumbnailS) ?? durationS / 3;
  return { path: output, video: copy ? 'copy' : 'encode', durationS, segments, loudness, videoScan, sceneChangesS, thumbnailS };
}

/** A JPEG of one output frame, full size. */
export async function extractThumbnail(file: string, atS: number, workDir: string, timeoutMs: number): Promise<string> {
  const path = join(workDir, 'thumbnail.jpg');
  await runTool('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-ss', atS.toFixed(3), '-i', file, '-frames:v', '1', '-q:v', '3', path], {
    timeoutMs,
    context: 'thumbnail',
  });
  return path;
}
