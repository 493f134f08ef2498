import type { EditDecisionListV1, StoryScriptV1 } from '#contracts';
import { scanInput, type Scan } from './analysis.js';
import { MediaInputError } from '#media';
import { executePlan, extractThumbnail, type Rendered } from './executor.js';
import { DEFAULT_HEURISTICS, planHeuristic, thumbnailTime, type SourceFacts } from './heuristic.planner.js';
import type { PlatformProfile } from './platform-profile.js';
import { isConstantFrameRate, probe, type ProbedMedia } from './probe.js';
import { qaGate, type QaOutcome } from './qa-gate.js';
import { toInputTime } from './timeline.js';

export interface PlanContext {
  input: string;
  source: SourceFacts;
  probed: ProbedMedia;
  scan: Scan;
  profile: PlatformProfile;
  script: StoryScriptV1 | null;
  workDir: string;
  /** The heuristic plan, which a model planner may start from. */
  heuristic: EditDecisionListV1;
}

/** Makes the plan; the heuristic planner is `(ctx) => ctx.heuristic`. */
export type Planner = (ctx: PlanContext) => Promise<EditDecisionListV1>;

export interface EditVideoOptions {
  profile: PlatformProfile;
  workDir: string;
  timeoutMs: number;
  x264Preset: string;
  silenceThresholdDb: number;
  silenceMinS: number;
  sceneThreshold: number;
  planner?: Planner;
}

export interface EditOutcome {
  outputPath: string;
  thumbnailPath: string;
  plan: EditDecisionListV1;
  rendered: Rendered;
  qa: QaOutcome;
  timingsMs: { analyse: number; plan: number; render: number; qa: number };
}

/**
 * The whole edit of one video, on local files: probe, scan, plan, render, QA gate, thumbnail.
 * Throws `MediaInputError` (from `#media`) for an input that can never be edited and `QaGateError` (with the
 * figures) for an output that must not be published.
 */
export async function editVideo(input: string, script: StoryScriptV1 | null, options: EditVideoOptions): Promise<EditOutcome> {
  const started = Date.now();
  const probed = await probe(input, options.timeoutMs);
  if (!probed.video) throw new MediaInputError('the input has no video stream');
  const videoS = probed.video.durationS ?? probed.formatDurationS;
  const audioS = probed.audio ? (probed.audio.durationS ?? probed.formatDurationS) : videoS;
  // Picture and sound both exist over the kept span: the shorter stream bounds it.
  const durationS = Math.min(videoS, audioS);
  if (!(durationS > 0)) throw new MediaInputError(`the input has no duration (video ${videoS} s, audio ${audioS} s)`);
  const constantFrameRate = await isConstantFrameRate(input, probed.video.fps, options.timeoutMs);
  // A model planner is shown the picture facts, so the picture is scanned before it plans. The
  // heuristic plan needs only the silences: the picture is measured in the render pass instead.
  const scan = await scanInput(input, probed.audio !== null, durationS, {
    silenceThresholdDb: options.silenceThresholdDb,
    silenceMinS: options.silenceMinS,
    sceneThreshold: options.sceneThreshold,
    workDir: options.workDir,
    timeoutMs: options.timeoutMs,
    video: options.planner !== undefined,
  });
  const source: SourceFacts = { durationS, fps: probed.video.avgFps || probed.video.fps || options.profile.fps, constantFrameRate };
  const analysed = Date.now();

  const heuristic = planHeuristic(source, scan, options.profile, script, DEFAULT_HEURISTICS);
  const planner = options.planner ?? (async (ctx: PlanContext) => ctx.heuristic);
  const plan = await planner({ input, source, probed, scan, profile: options.profile, script, workDir: options.workDir, heuristic });
  const planned = Date.now();

  const rendered = await executePlan(input, probed, plan, options.profile, scan, {
    workDir: options.workDir,
    timeoutMs: options.timeoutMs,
    x264Preset: options.x264Preset,
    sceneThreshold: options.sceneThreshold,
  });
  if (!scan.videoScanned) settleThumbnail(plan, rendered, options.profile.fps);
  const renderedAt = Date.now();
  const qa = await qaGate(rendered.path, options.profile, { workDir: options.workDir, timeoutMs: options.timeoutMs, videoScan: rendered.videoScan });
  const thumbnailPath = await extractThumbnail(rendered.path, rendered.thumbnailS, options.workDir, options.timeoutMs);
  return {
    outputPath: rendered.path,
    thumbnailPath,
    plan,
    rendered,
    qa,
    timingsMs: { analyse: analysed - started, plan: planned - analysed, render: renderedAt - planned, qa: Date.now() - renderedAt },
  };
}

/**
 * The heuristic thumbnail when the picture was measured in the render pass: the same rule (first
 * scene change after the first second, plus 0.5 s; else a third of the way in), applied to the
 * output's scene changes, and written back into the plan in input seconds.
 */
function settleThumbnail(plan: EditDecisionListV1, rendered: Rendered, fps: number): void {
  const outputS = thumbnailTime(rendered.sceneChangesS, () => true, rendered.durationS, plan.notes);
  rendered.thumbnailS = outputS;
  plan.thumbnailS = Math.round(toInputTime(rendered.segments, fps, outputS) * 1000) / 1000;
}
