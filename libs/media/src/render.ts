import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import { MediaInputError } from './errors.js';
import { audioDuration, espeakNarration, espeakVoiceFor } from './narration.js';
import { probe } from './probe.js';
import { ffmpeg, x264PresetArgs } from './process.js';
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
  /**
   * x264 preset (default STANDIN_PRESET, `ultrafast` made High profile); `superfast` costs about
   * twice the encode CPU for a file ~25 % smaller, `veryfast` 1.5× that again (docs/video.md).
   */
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
/**
 * Ken Burns motion: each picture is scaled once (sharp) to cover the frame times ZOOM_MAX, then
 * every frame is one bilinear scale of that picture to the frame times k (k moves between
 * ZOOM_MIN and ZOOM_MAX, in or out by scene) and a crop that drifts across the spare margin.
 */
const ZOOM_MIN = 1.03;
const ZOOM_MAX = 1.15;
/** Title cards: the card colour, under a few soft shapes so the pan and zoom are visible (and not "frozen"). */
const CARD_COLOUR = '#18213a';
/**
 * Default x264 preset of the stand-in: `ultrafast` with CABAC, the 8×8 transform and deblocking
 * back on (x264PresetArgs), i.e. still High profile. The render is the editor's input, so speed
 * matters more than size here; the editor's own encode (the published file) uses `superfast`.
 */
export const STANDIN_PRESET = 'ultrafast';

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
  /** Video only: the segment is shorter than the scene, so it is looped (a held last frame would be frozen). */
  loop: boolean;
}

/**
 * Renders a story script into a 9:16 H.264/AAC MP4 with pan-and-zoom scenes, crossfades, espeak-ng
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
      if (plan.shows === 'image' || plan.shows === 'title-card') {
        args.push('-framerate', String(fps), '-i', plan.picture!);
        graph.push(`[${input}:v]${kenBurns(i, frames, width, height, fps)},${norm}[${label}]`);
        input++;
      } else {
        args.push(...(plan.loop ? ['-stream_loop', '-1'] : []), '-ss', plan.seekS.toFixed(3), '-t', (lengthS + 1).toFixed(3), '-i', plan.picture!);
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
        '-c:v', 'libx264', ...x264PresetArgs(options.preset ?? STANDIN_PRESET), '-profile:v', 'high', '-pix_fmt', 'yuv420p',
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
    const picture = join(workDir, `scene-${index}.jpg`);
    if (!found) {
      await cardImage(picture, options.width, options.height, index);
      return { ...base, shows: 'title-card', picture, seekS: 0, loop: false };
    }
    if (found.kind === 'image') {
      await coverImage(found.path, picture, options.width, options.height, `${context}: image media ${scene.mediaId}`);
      return { ...base, shows: 'image', picture, seekS: 0, loop: false };
    }
    const probed = await probe(found.path, { context: `${context}: video media ${scene.mediaId}`, countFrames: true });
    if (!probed.video || !probed.video.frames) throw new MediaInputError(`${context}: video media ${scene.mediaId} has no video frame`);
    const length = probed.durationS ?? probed.video.durationS ?? 0;
    const seekS = scene.startS !== null && scene.startS < length ? scene.startS : 0;
    // One extra fade's worth: the scene's tail is blended into the next one.
    const loop = length - seekS < durationS + (options.fadeS ?? 0.5) + 0.1;
    return { ...base, shows: 'video', picture: found.path, seekS, loop };
  });
  return inParallel(tasks, 2);
}

/**
 * Frames per motion step: the picture moves at 15 Hz and each step is shown twice at 30 fps. A
 * slow Ken Burns move looks the same, and it halves both the scaling and x264's work (a repeated
 * frame is all skip blocks).
 */
const MOTION_STEP = 2;

/**
 * The motion of a picture scene, as filters: converted to yuv420p once (before the loop), then per
 * step one bilinear `scale` (eval=frame) to k × the frame and a `crop` of the frame at an integer
 * offset inside the margin; each step is then repeated to the output rate (`fps`, a reference,
 * not a copy). k goes ZOOM_MIN→ZOOM_MAX (even scenes, zoom in) or back (odd scenes); the crop
 * drifts right, down, left, up in turn. No `zoompan` (it multiplies frames on a looped image) and
 * every frame is counted (`loop=N`, `trim`).
 */
export function kenBurns(scene: number, frames: number, width: number, height: number, fps: number): string {
  const steps = Math.ceil(frames / MOTION_STEP);
  const p = `(n/${Math.max(1, steps - 1)})`;
  const [k0, k1] = scene % 2 === 0 ? [ZOOM_MIN, ZOOM_MAX] : [ZOOM_MAX, ZOOM_MIN];
  const k = `(${k0}+${(k1 - k0).toFixed(4)}*${p})`;
  const sw = `(2*trunc(${width}*${k}/2))`;
  const sh = `(2*trunc(${height}*${k}/2))`;
  const [ax, ay] = [
    [p, '0.5'],
    ['0.5', p],
    [`(1-${p})`, '0.5'],
    ['0.5', `(1-${p})`],
  ][scene % 4]!;
  return (
    `format=yuv420p,loop=loop=${steps - 1}:size=1:start=0,` +
    `scale=w='${sw}':h='${sh}':eval=frame:flags=bilinear,` +
    `crop=${width}:${height}:x='floor((${sw}-${width})*${ax})':y='floor((${sh}-${height})*${ay})',` +
    `settb=1/${fps},setpts=${MOTION_STEP}*N,fps=${fps},tpad=stop_mode=clone:stop=${MOTION_STEP},trim=end_frame=${frames}`
  );
}

/** Decodes, orients and scales an image to cover the frame at the largest zoom; a bad image is a MediaInputError. */
async function coverImage(source: string, target: string, width: number, height: number, context: string): Promise<void> {
  const w = 2 * Math.ceil((width * ZOOM_MAX) / 2);
  const h = 2 * Math.ceil((height * ZOOM_MAX) / 2);
  try {
    await sharp(source, { failOn: 'error' }).rotate().resize(w, h, { fit: 'cover' }).flatten({ background: '#000000' }).jpeg({ quality: 90 }).toFile(target);
  } catch (error) {
    throw new MediaInputError(`${context}: not a readable image (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

/**
 * A title card's background at the largest zoom: the card colour with a few large, faint shapes.
 * Flat colour would look frozen to `freezedetect` (and to a viewer) however it moves.
 */
async function cardImage(target: string, width: number, height: number, seed: number): Promise<void> {
  const w = 2 * Math.ceil((width * ZOOM_MAX) / 2);
  const h = 2 * Math.ceil((height * ZOOM_MAX) / 2);
  const r = Math.round(Math.min(w, h) * 0.35);
  const shapes = Array.from({ length: 7 }, (_, k) => {
    const cx = Math.round(((k * 0.37 + seed * 0.21) % 1) * w);
    const cy = Math.round(((k * 0.61 + seed * 0.13) % 1) * h);
    return `<circle cx="${cx}" cy="${cy}" r="${Math.round(r * (0.5 + (k % 3) * 0.3))}" fill="hsl(${(220 + k * 23) % 360},45%,${22 + (k % 3) * 5}%)" opacity="0.55"/>`;
  }).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${CARD_COLOUR}"/><stop offset="1" stop-color="#2b3a66"/></linearGradient></defs>` +
    `<rect width="${w}" height="${h}" fill="url(#g)"/>${shapes}</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(target);
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
