// Render and edit benchmark: a 60-second Korean story of 6 scenes rendered by the stand-in
// renderer (libs/media renderStandIn: images with pan and zoom and crossfades, espeak-ng narration,
// burned subtitles, 1080x1920) and then edited by the editor (apps/editor: sound scan, heuristic
// plan, two-pass loudness, render with the picture detectors tapped, QA gate, thumbnail) for the
// youtube-shorts profile.
//
//   npm run bench:render
//   npm run bench:render -- --preset veryfast        (the editor's x264 preset; default superfast)
//   npm run bench:render -- --render-preset superfast (the renderer's; default ultrafast made High profile)
//   npm run bench:render -- --no-reference           (skip the reference run)
//
// Realtime ratios are media seconds per wall second (goal >= 1.5 on an idle 2-core machine). The
// machine running this is shared, so the bench also gives load-independent figures: CPU seconds
// (user+sys) of the child processes (ffmpeg, ffprobe, espeak-ng) and of this process (sharp) per
// phase, and the implied idle ratio media_s / (cpu_s / cores), which is what an idle machine gives
// when both cores are kept busy. The reference, in the same run, is the previous approach: x264
// veryfast for render and edit, and the edit's separate picture scan before the plan (two decodes).
// Peak RSS counts this process plus its child processes, sampled every 100 ms.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import { renderStandIn, STANDIN_PRESET, type SceneMedia } from '#media';
import type { PlanContext } from '../apps/editor/src/edit/index.js';
import { editVideo, YOUTUBE_SHORTS } from '../apps/editor/src/edit/index.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const NARRATION = [
  '요즘 주말 아침마다 한강 공원에는 러닝 크루 수백 명이 모입니다.',
  '이십대와 삼십대가 퇴근 후에도 함께 달리며 새로운 친구를 사귑니다.',
  '운동화 브랜드들은 크루를 위한 무료 행사와 한정판 제품을 내놓고 있습니다.',
  '전문가들은 무리한 속도보다 꾸준함이 중요하다고 조언합니다.',
  '서울시도 야간 러닝 코스에 조명을 늘리기로 했습니다.',
  '여러분도 이번 주말, 가까운 크루에 한번 참여해 보세요.',
];

const SCRIPT: StoryScriptV1 = {
  title: '한강 러닝 크루 열풍',
  hook: '주말 아침, 한강에 500명이 모인다',
  language: 'ko',
  scenes: NARRATION.map((narration, i) => ({ narration, onScreen: `장면 ${i + 1}`, mediaId: i + 1, startS: null, endS: null, durationS: 10 })),
  hashtags: ['#러닝', '#한강'],
  sourceUrl: 'https://news.example/running',
};

/** A 1280x960 picture of shapes and gradients (deterministic), as an article photo would be. */
async function picture(i: number): Promise<Buffer> {
  const hue = (i * 57) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="960">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},60%,30%)"/></linearGradient></defs>
    <rect width="1280" height="960" fill="url(#g)"/>
    ${Array.from({ length: 14 }, (_, k) => `<circle cx="${(k * 97 + i * 53) % 1280}" cy="${(k * 61 + i * 29) % 960}" r="${40 + ((k * 13) % 90)}" fill="hsl(${(hue + k * 25) % 360},80%,${40 + (k % 4) * 10}%)" opacity="0.7"/>`).join('')}
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * RSS of this process and every descendant, from /proc (Linux): the tree is walked through
 * /proc/<pid>/task/<tid>/children with synchronous reads (a few small files per sample, a few
 * milliseconds of CPU per second; scanning every process's stat asynchronously cost ~10 CPU-s per
 * phase and was counted as the bench's own CPU).
 */
function treeRssBytes(): number {
  let total = 0;
  const pending = [process.pid];
  for (let seen = 0; pending.length > 0 && seen < 256; seen++) {
    const pid = pending.pop()!;
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (children) pending.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** CPU seconds (user+sys) of this process and of its waited-for children, from /proc/self/stat. */
async function cpuSeconds(): Promise<{ self: number; children: number }> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const tick = 100; // USER_HZ on Linux
  return { self: (f[11]! + f[12]!) / tick, children: (f[13]! + f[14]!) / tick };
}

interface Phase {
  wallS: number;
  childCpuS: number;
  selfCpuS: number;
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
  const cpu0 = await cpuSeconds();
  const started = performance.now();
  const result = await run();
  const wallS = (performance.now() - started) / 1000;
  const cpu1 = await cpuSeconds();
  return { result, phase: { wallS, childCpuS: cpu1.children - cpu0.children, selfCpuS: cpu1.self - cpu0.self } };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function runChain(work: string, media: Map<number, SceneMedia>, renderPreset: string, preset: string, reference: boolean) {
  const name = reference ? 'reference' : 'current';
  const render = await timed(() => renderStandIn(SCRIPT, media, join(work, `${name}.mp4`), { timeoutMs: 900_000, preset: renderPreset }));
  const rendered = render.result;
  const editDir = await mkdtemp(join(work, `edit-${name}-`));
  const edit = await timed(() =>
    editVideo(rendered.path, SCRIPT, {
      profile: YOUTUBE_SHORTS,
      workDir: editDir,
      timeoutMs: 900_000,
      x264Preset: preset,
      silenceThresholdDb: -35,
      silenceMinS: 0.6,
      sceneThreshold: 0.3,
      // A planner given: the picture is scanned before the plan, as every edit did before.
      ...(reference ? { planner: async (ctx: PlanContext) => ctx.heuristic } : {}),
    }),
  );
  return { rendered, render: render.phase, edited: edit.result, edit: edit.phase };
}

function describe(label: string, mediaS: number, phase: Phase): string {
  const cpu = phase.childCpuS + phase.selfCpuS;
  return `${label}: ${phase.wallS.toFixed(2)} s wall (${(mediaS / phase.wallS).toFixed(2)}x real time), CPU ${phase.childCpuS.toFixed(1)} s children + ${phase.selfCpuS.toFixed(1)} s own = ${(cpu / mediaS).toFixed(2)} CPU-s per media second, implied idle ratio ${idleRatio(mediaS, phase).toFixed(2)}`;
}

function idleRatio(mediaS: number, phase: Phase): number {
  return mediaS / ((phase.childCpuS + phase.selfCpuS) / cpus().length);
}

async function main(): Promise<void> {
  const preset = option('preset', 'superfast');
  const renderPreset = option('render-preset', STANDIN_PRESET);
  const withReference = !process.argv.includes('--no-reference');
  const work = await mkdtemp(join(tmpdir(), 'render-bench-'));
  const loadBefore = loadavg().map((l) => round(l));
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, treeRssBytes());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    const media = new Map<number, SceneMedia>();
    for (let i = 0; i < SCRIPT.scenes.length; i++) {
      const path = join(work, `image-${i + 1}.jpg`);
      await writeFile(path, await picture(i));
      media.set(i + 1, { kind: 'image', path });
    }
    process.stdout.write(`machine: ${cpus().length} cores, load ${load()}\n`);

    const current = await runChain(work, media, renderPreset, preset, false);
    const loadAfterCurrent = load();
    const { rendered, edited } = current;
    const mediaS = rendered.durationS;
    process.stdout.write(`render (${renderPreset}): ${mediaS.toFixed(2)} s of video (${rendered.scenes.length} scenes, ${rendered.narrationSource})\n`);
    process.stdout.write(`  ${describe('render', mediaS, current.render)}\n`);
    const qa = edited.qa.figures;
    process.stdout.write(
      `edit (${preset}): ${mediaS.toFixed(2)} s in, ${qa.durationS.toFixed(2)} s out, ${edited.plan.cuts.length} cuts, picture ${edited.rendered.video}, ` +
        `loudness ${edited.rendered.loudness.mode} (analyse ${edited.timingsMs.analyse} ms, render ${edited.timingsMs.render} ms, QA+thumbnail ${edited.timingsMs.qa} ms)\n`,
    );
    process.stdout.write(`  ${describe('edit', mediaS, current.edit)}\n`);
    process.stdout.write(`QA: ${qa.width}x${qa.height} ${qa.videoCodec} ${qa.videoProfile} ${qa.pixFmt}, ${qa.audioCodec} ${qa.audioSampleRate} Hz, faststart ${qa.faststart}, ` +
      `${qa.lufs} LUFS, ${qa.truePeakDb} dBTP, drift ${qa.avDriftMs} ms, longest black ${qa.longestBlackS} s, frozen ${qa.longestFrozenS} s, thumbnail at ${edited.plan.thumbnailS} s\n`);
    process.stdout.write(`load average after: ${loadAfterCurrent}\n`);

    let reference: Awaited<ReturnType<typeof runChain>> | null = null;
    if (withReference) {
      reference = await runChain(work, media, 'veryfast', 'veryfast', true);
      process.stdout.write(`reference (veryfast, picture scanned before the plan), load after ${load()}:\n`);
      process.stdout.write(`  ${describe('render', reference.rendered.durationS, reference.render)}\n`);
      process.stdout.write(`  ${describe('edit', reference.rendered.durationS, reference.edit)}, frozen ${reference.edited.qa.figures.longestFrozenS} s\n`);
    }
    sampling = false;
    await sampler;
    const ref = reference;
    const figures = {
      render_realtime_ratio: round(mediaS / current.render.wallS),
      edit_realtime_ratio: round(mediaS / current.edit.wallS),
      peak_rss_mb: Math.round(peak / 1024 / 1024),
      lufs: qa.lufs,
      true_peak_db: qa.truePeakDb,
      av_drift_ms: qa.avDriftMs,
      render_cpu_s_per_media_s: round((current.render.childCpuS + current.render.selfCpuS) / mediaS),
      edit_cpu_s_per_media_s: round((current.edit.childCpuS + current.edit.selfCpuS) / mediaS),
      render_child_cpu_s: round(current.render.childCpuS),
      edit_child_cpu_s: round(current.edit.childCpuS),
      render_idle_ratio: round(idleRatio(mediaS, current.render)),
      edit_idle_ratio: round(idleRatio(mediaS, current.edit)),
      cores: cpus().length,
      load_before: loadBefore,
      load_after: loadavg().map((l) => round(l)),
      longest_frozen_s: qa.longestFrozenS,
      media_s: round(mediaS),
      edited_s: qa.durationS,
      render_s: round(current.render.wallS),
      edit_s: round(current.edit.wallS),
      preset,
      render_preset: renderPreset,
      edit_picture: edited.rendered.video,
      ...(ref
        ? {
            reference_render_realtime_ratio: round(ref.rendered.durationS / ref.render.wallS),
            reference_edit_realtime_ratio: round(ref.rendered.durationS / ref.edit.wallS),
            reference_render_idle_ratio: round(idleRatio(ref.rendered.durationS, ref.render)),
            reference_edit_idle_ratio: round(idleRatio(ref.rendered.durationS, ref.edit)),
            reference_render_cpu_s_per_media_s: round((ref.render.childCpuS + ref.render.selfCpuS) / ref.rendered.durationS),
            reference_edit_cpu_s_per_media_s: round((ref.edit.childCpuS + ref.edit.selfCpuS) / ref.rendered.durationS),
          }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    sampling = false;
    await sampler;
    await rm(work, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
