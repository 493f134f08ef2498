import type { EditDecisionListV1 } from '#contracts';

/** A kept span of the input, in whole frames: [startFrame, endFrame). */
export interface Segment {
  startFrame: number;
  endFrame: number;
}

/**
 * The spans of the input that survive the plan: `keep` minus the cuts, every boundary snapped to
 * the frame grid. Audio is cut at the same frame boundaries (in blocks of exactly one frame of
 * samples), so picture and sound lose the same time at every cut and cannot drift apart.
 */
export function keptSegments(plan: Pick<EditDecisionListV1, 'keep' | 'cuts'>, fps: number, maxDurationS: number): Segment[] {
  const frame = (t: number) => Math.round(t * fps);
  const keepStart = frame(plan.keep.startS);
  const keepEnd = frame(plan.keep.endS);
  const cuts = plan.cuts
    .map((c) => ({ start: frame(Math.min(c.startS, c.endS)), end: frame(Math.max(c.startS, c.endS)) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start);
  const segments: Segment[] = [];
  let cursor = keepStart;
  for (const cut of cuts) {
    if (cut.end <= cursor) continue;
    if (cut.start >= keepEnd) break;
    if (cut.start > cursor) segments.push({ startFrame: cursor, endFrame: cut.start });
    cursor = Math.max(cursor, cut.end);
  }
  if (cursor < keepEnd) segments.push({ startFrame: cursor, endFrame: keepEnd });
  // The platform maximum is a hard rule, whoever planned: the tail past it goes.
  const maxFrames = Math.floor(maxDurationS * fps);
  const limited: Segment[] = [];
  let total = 0;
  for (const segment of segments) {
    const room = maxFrames - total;
    if (room <= 0) break;
    const length = Math.min(segment.endFrame - segment.startFrame, room);
    limited.push({ startFrame: segment.startFrame, endFrame: segment.startFrame + length });
    total += length;
  }
  return limited;
}

export function outputFrames(segments: Segment[]): number {
  return segments.reduce((sum, s) => sum + s.endFrame - s.startFrame, 0);
}

/** Where an input time lands in the output; null when it was cut. */
export function toOutputTime(segments: Segment[], fps: number, inputS: number): number | null {
  const frame = inputS * fps;
  let before = 0;
  for (const s of segments) {
    if (frame >= s.startFrame && frame < s.endFrame) return (before + frame - s.startFrame) / fps;
    before += s.endFrame - s.startFrame;
  }
  return null;
}

/** Where an output time came from in the input (the inverse of toOutputTime). */
export function toInputTime(segments: Segment[], fps: number, outputS: number): number {
  let frame = outputS * fps;
  for (const s of segments) {
    const length = s.endFrame - s.startFrame;
    if (frame < length) return (s.startFrame + frame) / fps;
    frame -= length;
  }
  const last = segments.at(-1);
  return last ? last.endFrame / fps : 0;
}

/** An input span mapped onto the output: the kept parts of it, merged where they touch. */
export function toOutputSpan(segments: Segment[], fps: number, startS: number, endS: number): { startS: number; endS: number } | null {
  let before = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const s of segments) {
    const a = Math.max(s.startFrame, startS * fps);
    const b = Math.min(s.endFrame, endS * fps);
    if (b > a) {
      first ??= before + a - s.startFrame;
      last = before + b - s.startFrame;
    }
    before += s.endFrame - s.startFrame;
  }
  return first === null || last === null ? null : { startS: first / fps, endS: last / fps };
}

/** A `select`/`aselect` expression keeping the segments (times are frame starts; half a frame of slack). */
export function selectExpression(segments: Segment[], fps: number): string {
  const half = 0.5 / fps;
  return segments.map((s) => `between(t,${(s.startFrame / fps - half).toFixed(6)},${(s.endFrame / fps - half).toFixed(6)})`).join('+');
}
