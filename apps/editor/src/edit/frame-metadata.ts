import { readFile } from 'node:fs/promises';

/** One frame's block of ffmpeg's `metadata=print:file=...` output. */
export interface FrameMetadata {
  ptsTimeS: number;
  values: Map<string, string>;
}

/** Parses `frame:N pts:P pts_time:T` headers followed by `key=value` lines. A missing file is empty. */
export async function readFrameMetadata(path: string): Promise<FrameMetadata[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const frames: FrameMetadata[] = [];
  let current: FrameMetadata | null = null;
  for (const line of text.split('\n')) {
    const header = /^frame:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+)/.exec(line);
    if (header) {
      current = { ptsTimeS: Number(header[1]), values: new Map() };
      frames.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return frames;
}

export interface Stretch {
  startS: number;
  endS: number;
}

/**
 * Pairs `<prefix>start` / `<prefix>end` keys into stretches; one still open at the end of the
 * stream ends at `endOfStreamS` (detectors report no end then).
 */
export function stretches(frames: FrameMetadata[], startKey: string, endKey: string, endOfStreamS: number): Stretch[] {
  const found: Stretch[] = [];
  let open: number | null = null;
  for (const frame of frames) {
    const start = frame.values.get(startKey);
    const end = frame.values.get(endKey);
    // A frame can end one stretch and start the next; the end belongs to the open one.
    if (end !== undefined && open !== null) {
      found.push({ startS: open, endS: Number(end) });
      open = null;
    }
    if (start !== undefined) open = Number(start);
  }
  if (open !== null) found.push({ startS: open, endS: Math.max(open, endOfStreamS) });
  return found.filter((s) => Number.isFinite(s.startS) && Number.isFinite(s.endS) && s.endS > s.startS);
}

export function longest(list: Stretch[]): number {
  return list.reduce((max, s) => Math.max(max, s.endS - s.startS), 0);
}
