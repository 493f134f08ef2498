import { join } from 'node:path';
import { readFrameMetadata, stretches, type Stretch } from './frame-metadata.js';
import { runTool } from '#media';

export interface ScanOptions {
  silenceThresholdDb: number;
  silenceMinS: number;
  sceneThreshold: number;
  /** Where the metadata files go (a per-edit temp folder). */
  workDir: string;
  timeoutMs: number;
  /** Stretches shorter than these are not reported (detector resolution). */
  blackMinS?: number;
  frozenMinS?: number;
  /**
   * Decode the picture too (scene changes, black, frozen). Off for the heuristic plan: its picture
   * facts are measured in the render pass, on the frames it decodes anyway (one decode, not two).
   */
  video?: boolean;
}

export interface Scan {
  silences: Stretch[];
  sceneChangesS: number[];
  black: Stretch[];
  frozen: Stretch[];
  /** False when only the sound was scanned: the picture lists are then empty, not measured. */
  videoScanned: boolean;
}

/** The detectors every black/freeze scan uses, on a small copy of the frames (the verdicts do not need 1080p). */
export function blackFreezeFilters(blackMinS: number, frozenMinS: number): string {
  return `scale=w=270:h=-2:flags=bilinear,blackdetect=d=${blackMinS}:pix_th=0.10,freezedetect=n=-60dB:d=${frozenMinS}`;
}

/** The picture detectors of one pass: black and frozen stretches into one file, scene changes into another. */
export function pictureScanFilters(blackFreezeFile: string, sceneFile: string, sceneThreshold: number): string {
  return (
    `${blackFreezeFilters(0.1, 0.5)},metadata=mode=print:file=${escapeFilterPath(blackFreezeFile)},` +
    `select='gt(scene,${sceneThreshold})',metadata=mode=print:file=${escapeFilterPath(sceneFile)}`
  );
}

/**
 * One decoding pass over the input: silences (`silencedetect`) and, with `video`, scene changes
 * (`select='gt(scene,T)'`), black and frozen stretches. Results go through `metadata=print` files,
 * not stderr, so a long video's thousands of lines are never cut. Without `video` only the sound
 * is decoded (`-vn`).
 */
export async function scanInput(input: string, hasAudio: boolean, durationS: number, options: ScanOptions): Promise<Scan> {
  const files = {
    silence: join(options.workDir, 'scan-silence.txt'),
    scene: join(options.workDir, 'scan-scene.txt'),
    blackFreeze: join(options.workDir, 'scan-black-freeze.txt'),
  };
  const video = options.video ?? true;
  const graph: string[] = [];
  const maps: string[] = [];
  if (video) {
    graph.push(
      `[0:v]${blackFreezeFilters(options.blackMinS ?? 0.1, options.frozenMinS ?? 0.5)},metadata=mode=print:file=${escapeFilterPath(files.blackFreeze)},` +
        `select='gt(scene,${options.sceneThreshold})',metadata=mode=print:file=${escapeFilterPath(files.scene)}[v]`,
    );
    maps.push('-map', '[v]', '-f', 'null', '-');
  }
  if (hasAudio) {
    graph.push(`[0:a]silencedetect=n=${options.silenceThresholdDb}dB:d=${options.silenceMinS},ametadata=mode=print:file=${escapeFilterPath(files.silence)}[a]`);
    maps.push('-map', '[a]', '-f', 'null', '-');
  }
  if (graph.length > 0) {
    await runTool('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', ...(video ? [] : ['-vn']), '-i', input, '-filter_complex', graph.join(';'), ...maps], {
      timeoutMs: options.timeoutMs,
      context: video ? 'scan input' : 'scan sound',
    });
  }
  const scene = await readFrameMetadata(files.scene);
  const blackFreeze = await readFrameMetadata(files.blackFreeze);
  const silence = hasAudio ? await readFrameMetadata(files.silence) : [];
  return {
    silences: stretches(silence, 'lavfi.silence_start', 'lavfi.silence_end', durationS),
    sceneChangesS: scene.map((f) => f.ptsTimeS).filter((t) => Number.isFinite(t)),
    black: stretches(blackFreeze, 'lavfi.black_start', 'lavfi.black_end', durationS),
    frozen: stretches(blackFreeze, 'lavfi.freezedetect.freeze_start', 'lavfi.freezedetect.freeze_end', durationS),
    videoScanned: video,
  };
}

/**
 * A path inside a filter argument. Escaping there has two levels (graph and option); the work
 * folder is ours (mkdtemp), so a path needing either is refused instead of escaped.
 */
export function escapeFilterPath(path: string): string {
  if (/[\\'":,;[\]=\s]/.test(path)) throw new Error(`work path ${path} has characters that ffmpeg filter arguments treat specially; set EDITOR_WORK_DIR to a plain path`);
  return path;
}
