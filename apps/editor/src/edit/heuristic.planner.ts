import type { EditCutV1, EditDecisionListV1, EditSubtitleCueV1, StoryScriptV1 } from '#contracts';
import type { Scan } from './analysis.js';
import type { PlatformProfile } from './platform-profile.js';
import { keptSegments, outputFrames, toOutputTime } from './timeline.js';

export interface SourceFacts {
  durationS: number;
  fps: number;
  constantFrameRate: boolean;
}

export interface HeuristicOptions {
  /** Kept on each side of a silence so that words are not clipped. */
  silencePadS: number;
  /** Silence cuts are skipped when they would leave less than this share of the video. */
  minKeptShare: number;
}

export const DEFAULT_HEURISTICS: HeuristicOptions = { silencePadS: 0.15, minKeptShare: 0.3 };

/**
 * The default plan: silences cut (with a little air left on both sides), the rest trimmed to the
 * platform maximum, the thumbnail at the first scene change that survives the cuts, subtitle cues
 * from the script's scene lengths. No emphasis: nothing in these signals says where it belongs.
 */
export function planHeuristic(
  source: SourceFacts,
  scan: Scan,
  profile: PlatformProfile,
  script: StoryScriptV1 | null,
  options: HeuristicOptions = DEFAULT_HEURISTICS,
): EditDecisionListV1 {
  const notes: string[] = [];
  const keep = { startS: 0, endS: source.durationS };
  let cuts = silenceCuts(scan, source.durationS, options.silencePadS);
  const keptS = (list: EditCutV1[]) => outputFrames(keptSegments({ keep, cuts: list }, source.fps, Number.MAX_SAFE_INTEGER)) / source.fps;
  if (cuts.length > 0 && keptS(cuts) < Math.max(profile.minDurationS, source.durationS * options.minKeptShare)) {
    notes.push(`silence cuts skipped: they would leave ${keptS(cuts).toFixed(1)} s of ${source.durationS.toFixed(1)} s (is the sound mostly silent?)`);
    cuts = [];
  }
  const afterCutsS = keptS(cuts);
  if (afterCutsS > profile.maxDurationS) notes.push(`trimmed to ${profile.maxDurationS} s (${profile.name}); ${(afterCutsS - profile.maxDurationS).toFixed(1)} s of the end dropped`);
  if (!source.constantFrameRate) notes.push('variable frame rate input: re-timed to a constant rate before any cut');
  const segments = keptSegments({ keep, cuts }, source.fps, profile.maxDurationS);
  return {
    version: 1,
    planner: 'heuristic',
    source,
    keep,
    cuts,
    emphasis: [],
    subtitles: script ? subtitleCues(script, source.durationS) : [],
    // Without a picture scan the thumbnail is settled after the render, from the scene changes of
    // the frames it encoded (editVideo); until then, a third of the way in.
    thumbnailS: scan.videoScanned
      ? thumbnailTime(scan.sceneChangesS, (t) => toOutputTime(segments, source.fps, t) !== null, source.durationS, notes)
      : thumbnailTime([], (t) => toOutputTime(segments, source.fps, t) !== null, source.durationS, []),
    verdict: null,
    notes,
  };
}

export function silenceCuts(scan: Scan, durationS: number, padS: number): EditCutV1[] {
  const cuts: EditCutV1[] = [];
  for (const silence of scan.silences) {
    const start = silence.startS <= 0.05 ? 0 : silence.startS + padS;
    const end = silence.endS >= durationS - 0.05 ? durationS : silence.endS - padS;
    if (end - start >= 0.2) cuts.push({ startS: round3(start), endS: round3(end), reason: `silence ${(silence.endS - silence.startS).toFixed(2)} s` });
  }
  return cuts;
}

/**
 * A scene change a little after the cut (the frame at the change itself may be mid-transition),
 * the first one past the opening second that is kept; without one, a third into the video.
 */
export function thumbnailTime(sceneChangesS: number[], kept: (t: number) => boolean, durationS: number, notes: string[]): number {
  const settle = 0.5;
  for (const change of sceneChangesS) {
    const t = change + settle;
    if (change >= 1 && t < durationS && kept(t)) return round3(t);
  }
  notes.push('thumbnail: no scene change found in the kept video; a frame a third of the way in');
  let t = durationS / 3;
  for (let step = 0; step < 30 && !kept(t); step++) t = (t + durationS / 30) % durationS;
  return round3(t);
}

/** One cue per scene, timed by the script's scene lengths (the renderer's timeline), clipped to the video. */
export function subtitleCues(script: StoryScriptV1, durationS: number): EditSubtitleCueV1[] {
  const cues: EditSubtitleCueV1[] = [];
  let at = 0;
  for (const scene of script.scenes) {
    const end = Math.min(durationS, at + scene.durationS);
    if (end > at) cues.push({ startS: round3(at), endS: round3(end), text: scene.narration });
    at += scene.durationS;
  }
  return cues;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
