import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import { MediaInputError } from './errors.js';
import { audioDuration, espeakNarration, espeakVoiceFor } from './narration.js';
import { probe } from './probe.js';
import { ffmpeg } from './process.js';
import { assScript, blockCue, defaultLayout, narrationCues, type Cue } from './subtitles.js';

/** The name the embedded renderer writes into every record (never reported as a model). */
export const STANDIN_RENDERER = 'standin-ffmpeg';

/** Debian's fonts-noto-cjk: the family libass asks fontconfig for, and where the file lives. */
export const SUBTITLE_FONT = 'Noto Sans CJK KR';
export const SUBTITLE_FONT_DIR = '/usr/share/fonts/opentype/noto';

export interface SceneMedia {
  kind: 'image' | 'video';
  /** A local file (the caller fetched it from the file server). */
  path: string;
}

export interface RenderOptions {
  /** Output frame; 1080×1920 (9:16) unless a test asks for less. */
  width?: number;
  height?: number;
  fps?: number;
  /** x264 preset; `veryfast` keeps a 60 s story under 40 s of wall time on 2 cores. */
  preset?: string;
  crf?: number;
  /** Crossfade between scenes, seconds. */
  fadeS?: number;
  /** Per-scene narration already spoken (a speech server's files, WAV/MP3/...); else espeak-ng. */
  narrationFiles?: (string | null)[];
  /** Scratch folder (kept); default a new temp folder, removed afterwards. */
  workDir?: string;
  timeoutMs?: number;
  /** espeak-ng speed. */
  wordsPerMinute?: number;
}

export interface RenderedScene {
  startS: number;
  durationS: number;
  narrationS: number;
  /** What the scene shows. */
  shows: 'image' | 'video' | 'title-card';
}

export interface RenderResult {
  path: string;
  durationS: number;
  width: number;
  height: number;
  fps: number;
  scenes: RenderedScene[];
  /** `espeak-ng:<voice>` or `files` (the caller's narration). */
  narrationSource: string;
  renderer: typeof STANDIN_RENDERER;
  renderMs: number;
}

/** Narration starts this long after its scene, and the scene holds this long after it ends. */
const LEAD_S = 0.15;
const TAIL_S = 0.35;
/** Images are scaled this much past the frame, so the pan has room to move. */
const PAN_MARGIN = 0.1;

interface Plan {
  index: number;
  shows: RenderedScene['shows'];
  /** Input files for this scene's picture (0 or 1). */
  picture: string | null;
  narration: string;
  narrationS: number;
  durationS: number;
  /** Video only: where the segment starts in the source. */
  seekS: number;
}

/**
 * Renders a story script into a 9:16 H.264/AAC MP4 with pan-and-crossfade scenes, espeak-ng
 * narration and burned subtitles, in one ffmpeg run (one encode at the final size). Scene length
 * is max(script duration, narration + margins), rounded up to whole frames so audio and video
 * cannot drift. Bad inputs (corrupt image, video without a frame, empty audio) are
 * `MediaInputError`s that name the scene.
 */
export async function renderStandIn(
  script: StoryScriptV1,
  media: ReadonlyMap<number, SceneMedia>,
  outPath: string,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const started = Date.now();
  const width = options.width ?? 1080;
  const height = options.height ?? 1920;
  const fps = options.fps ?? 30;
  if (width % 2 || height % 2) throw new RangeError('width and height must be even (yuv420p)');
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'standin-')));
  if (options.workDir) await mkdir(workDir, { recursive: true });
  try {
    const plans = await planScenes(script, media, workDir, { ...options, width, height, fps });
    const fadeS = Math.min(options.fadeS ?? 0.5, ...plans.map((p) => p.durationS / 2));
    const layout = defaultLayout(width, height);
    const cues: Cue[] = [];
    let at = 0;
    const scenes: RenderedScene[] = [];
    for (const plan of plans) {
      const end = at + plan.durationS;
      if (plan.shows === 'title-card') {
        cues.push(blockCue(script.scenes[plan.index]!.onScreen.trim() || script.title, at, end, layout, 'Card'));
      }
      if (plan.index === 0 && plan.shows !== 'title-card') cues.push(blockCue(script.hook, at, Math.min(end, at + 3), layout, 'Title'));
      cues.push(...narrationCues(plan.narration, at, end, layout));
      scenes.push({ startS: at, durationS: plan.durationS, narrationS: plan.narrationS, shows: plan.shows });
      at = end;
    }
    const totalS = at;
    await writeFile(join(workDir, 'subs.ass'), assScript(cues, layout, SUBTITLE_FONT));

    const args: string[] = [];
    const graph: string[] = [];
    let input = 0;
    const videoLabels: string[] = [];
    plans.forEach((plan, i) => {
      const last = i === plans.length - 1;
      const lengthS = plan.durationS + (last ? 0 : Math.max(1, Math.round(fadeS * fps)) / fps);
      const frames = Math.round(lengthS * fps);
      const label = `v${i}`;
      const norm = `settb=1/${fps},setpts=N,format=yuv420p,setsar=1`;
      if (plan.shows === 'title-card') {
        graph.push(`color=c=0x18213a:s=${width}x${height}:r=${fps},trim=end_frame=${frames},${norm}[${label}]`);
      } else if (plan.shows === 'image') {
        args.push('-framerate', String(fps), '-i', plan.picture!);
        const dx = Math.round(width * PAN_MARGIN);
        const dy = Math.round(height * PAN_MARGIN);
        const p = `(n/${Math.max(1, frames - 1)})`;
        // Four slow moves in turn: right, down, left, up.
        const [x, y] = [
          [`${dx}*${p}`, `${dy / 2}`],
          [`${dx / 2}`, `${dy}*${p}`],
          [`${dx}*(1-${p})`, `${dy / 2}`],
          [`${dx / 2}`, `${dy}*(1-${p})`],
        ][i % 4]!;
        // Converted once, before the loop: per-frame work is then only the crop (a pointer move).
        graph.push(`[${input}:v]format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,crop=${width}:${height}:x='floor(${x})':y='floor(${y})',${norm}[${label}]`);
        input++;
      } else {
        args.push('-ss', plan.seekS.toFixed(3), '-t', (lengthS + 1).toFixed(3), '-i', plan.picture!);
        graph.push(
          `[${input}:v]fps=${fps},scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},` +
            `tpad=stop_mode=clone:stop_duration=${lengthS.toFixed(3)},trim=end_frame=${frames},${norm}[${label}]`,
        );
        input++;
      }
      videoLabels.push(label);
    });
    // Crossfades without per-frame cost: xfade (ffmpeg 5.1) touches every frame that passes it, so
    // each scene is split into head / body / tail and only the short tail+head pairs are blended;
    // the concat of the pieces is a pass-through. Scene k starts at the sum of the earlier durations.
    const fadeFrames = Math.max(1, Math.round(fadeS * fps));
    const pieces: string[] = [];
    plans.forEach((plan, i) => {
      const first = i === 0;
      const last = i === plans.length - 1;
      const bodyStart = first ? 0 : fadeFrames;
      const bodyEnd = Math.round(plan.durationS * fps);
      const outs = [`b${i}`, ...(first ? [] : [`h${i}`]), ...(last ? [] : [`t${i}`])];
      graph.push(`[${videoLabels[i]}]split=${outs.length}${outs.map((o) => `[${o}s]`).join('')}`);
      graph.push(`[b${i}s]trim=start_frame=${bodyStart}:end_frame=${bodyEnd},setpts=N[b${i}]`);
      if (!first) graph.push(`[h${i}s]trim=end_frame=${fadeFrames},setpts=N[h${i}]`);
      if (!last) graph.push(`[t${i}s]trim=start_frame=${bodyEnd}:end_frame=${bodyEnd + fadeFrames},setpts=N[t${i}]`);
      if (!first) {
        graph.push(`[t${i - 1}][h${i}]xfade=transition=fade:duration=${(fadeFrames / fps).toFixed(4)}:offset=0[f${i}]`);
        pieces.push(`[f${i}]`);
      }
      pieces.push(`[b${i}]`);
    });
    const current = 'joined';
    graph.push(`${pieces.join('')}concat=n=${pieces.length}:v=1:a=0[${current}]`);
    graph.push(`[${current}]ass=filename=subs.ass:fontsdir=${SUBTITLE_FONT_DIR}[vout]`);

    const audioLabels: string[] = [];
    plans.forEach((plan, i) => {
      args.push('-i', join(workDir, `narration-${i}.wav`));
      const delayMs = Math.round(LEAD_S * 1000);
      graph.push(
        `[${input}:a]aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,` +
          `adelay=${delayMs}|${delayMs},apad=whole_dur=${plan.durationS.toFixed(4)},atrim=end_sample=${Math.round(plan.durationS * 48000)}[a${i}]`,
      );
      audioLabels.push(`[a${i}]`);
      input++;
    });
    graph.push(`${audioLabels.join('')}concat=n=${plans.length}:v=0:a=1[aout]`);

    const out = resolve(outPath);
    if (options.workDir) await writeFile(join(workDir, 'ffmpeg-args.json'), JSON.stringify(args.concat(['-filter_complex', graph.join(';')])));
    await ffmpeg(
      [
        ...args,
        '-filter_complex', graph.join(';'),
        '-map', '[vout]', '-map', '[aout]',
        '-c:v', 'libx264', '-preset', options.preset ?? 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
        '-crf', String(options.crf ?? 23), '-r', String(fps), '-g', String(fps * 2),
        '-c:a', 'aac', '-b:a', '160k', '-ar', '48000', '-ac', '2',
        '-movflags', '+faststart',
        '-t', totalS.toFixed(4),
        out,
      ],
      { cwd: workDir, timeoutMs: options.timeoutMs ?? 15 * 60_000, context: `render ${plans.length} scenes` },
    );
    return {
      path: out,
      durationS: totalS,
      width,
      height,
      fps,
      scenes,
      narrationSource: options.narrationFiles ? 'files' : `espeak-ng:${plans.length ? await espeakVoiceFor(script.language) : ''}`,
      renderer: STANDIN_RENDERER,
      renderMs: Date.now() - started,
    };
  } finally {
    if (!options.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** Prepares every scene's picture and narration (two at a time: the machine has two cores). */
async function planScenes(
  script: StoryScriptV1,
  media: ReadonlyMap<number, SceneMedia>,
  workDir: string,
  options: RenderOptions & { width: number; height: number; fps: number },
): Promise<Plan[]> {
  const tasks = script.scenes.map((scene, index) => async (): Promise<Plan> => {
    const context = `scene ${index + 1}`;
    const wav = join(workDir, `narration-${index}.wav`);
    let narrationS: number;
    const given = options.narrationFiles?.[index];
    if (given) {
      narrationS = await audioDuration(given, `${context}: narration audio`);
      // Decoded once to WAV so the render's inputs are uniform.
      await ffmpeg(['-i', given, '-ac', '2', '-ar', '48000', wav], { timeoutMs: 60_000, context: `${context}: narration audio` });
    } else {
      narrationS = (await espeakNarration(scene.narration, script.language, wav, { context: `${context}: narration`, wordsPerMinute: options.wordsPerMinute })).durationS;
    }
    const wanted = Math.max(scene.durationS, narrationS + LEAD_S + TAIL_S);
    const durationS = Math.ceil(wanted * options.fps - 1e-6) / options.fps;
    const found = scene.mediaId !== null ? media.get(scene.mediaId) : undefined;
    const base = { index, narration: scene.narration, narrationS, durationS };
    if (!found) return { ...base, shows: 'title-card', picture: null, seekS: 0 };
    if (found.kind === 'image') {
      const picture = join(workDir, `scene-${index}.jpg`);
      await coverImage(found.path, picture, options.width, options.height, `${context}: image media ${scene.mediaId}`);
      return { ...base, shows: 'image', picture, seekS: 0 };
    }
    const probed = await probe(found.path, { context: `${context}: video media ${scene.mediaId}`, countFrames: true });
    if (!probed.video || !probed.video.frames) throw new MediaInputError(`${context}: video media ${scene.mediaId} has no video frame`);
    const length = probed.durationS ?? probed.video.durationS ?? 0;
    const seekS = scene.startS !== null && scene.startS < length ? scene.startS : 0;
    return { ...base, shows: 'video', picture: found.path, seekS };
  });
  return inParallel(tasks, 2);
}

/** Decodes, orients and scales an image to cover the frame plus the pan margin; a bad image is a MediaInputError. */
async function coverImage(source: string, target: string, width: number, height: number, context: string): Promise<void> {
  const w = Math.round(width * (1 + PAN_MARGIN));
  const h = Math.round(height * (1 + PAN_MARGIN));
  try {
    await sharp(source, { failOn: 'error' }).rotate().resize(w, h, { fit: 'cover' }).flatten({ background: '#000000' }).jpeg({ quality: 90 }).toFile(target);
  } catch (error) {
    throw new MediaInputError(`${context}: not a readable image (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
