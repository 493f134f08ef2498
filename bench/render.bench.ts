// Render and edit benchmark: a 60-second Korean story of 6 scenes rendered by the stand-in
// renderer (libs/media renderStandIn: images with pan and crossfades, espeak-ng narration, burned
// subtitles, 1080x1920) and then edited by the editor (apps/editor: analysis, heuristic plan,
// two-pass loudness, render, QA gate, thumbnail) for the youtube-shorts profile.
//
//   npm run bench:render
//   npm run bench:render -- --preset superfast      (the editor's x264 preset; default veryfast)
//
// Realtime ratios are media seconds per wall second (goal >= 1.5 on a 2-core machine). Peak RSS
// counts this process plus its child processes (ffmpeg, espeak-ng), sampled every 100 ms.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import { renderStandIn, type SceneMedia } from '#media';
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

/** RSS of this process and every descendant, from /proc (Linux). */
async function treeRssBytes(): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
      rss.set(Number(name), Number(fields[21]) * 4096);
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
  return total;
}

async function main(): Promise<void> {
  const preset = option('preset', 'veryfast');
  const work = await mkdtemp(join(tmpdir(), 'render-bench-'));
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await treeRssBytes());
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
    process.stdout.write(`machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

    const renderStarted = performance.now();
    const rendered = await renderStandIn(SCRIPT, media, join(work, 'rendered.mp4'), { timeoutMs: 900_000 });
    const renderS = (performance.now() - renderStarted) / 1000;
    process.stdout.write(`render: ${rendered.durationS.toFixed(2)} s of video (${rendered.scenes.length} scenes, ${rendered.narrationSource}) in ${renderS.toFixed(2)} s\n`);

    const editDir = await mkdtemp(join(work, 'edit-'));
    const editStarted = performance.now();
    const edited = await editVideo(rendered.path, SCRIPT, {
      profile: YOUTUBE_SHORTS,
      workDir: editDir,
      timeoutMs: 900_000,
      x264Preset: preset,
      silenceThresholdDb: -35,
      silenceMinS: 0.6,
      sceneThreshold: 0.3,
    });
    const editS = (performance.now() - editStarted) / 1000;
    const qa = edited.qa.figures;
    process.stdout.write(
      `edit (${preset}): ${rendered.durationS.toFixed(2)} s in, ${qa.durationS.toFixed(2)} s out, ${edited.plan.cuts.length} cuts, picture ${edited.rendered.video}, ` +
        `loudness ${edited.rendered.loudness.mode}, in ${editS.toFixed(2)} s ` +
        `(analyse ${edited.timingsMs.analyse} ms, render ${edited.timingsMs.render} ms, QA+thumbnail ${edited.timingsMs.qa} ms)\n`,
    );
    process.stdout.write(`QA: ${qa.width}x${qa.height} ${qa.videoCodec} ${qa.videoProfile} ${qa.pixFmt}, ${qa.audioCodec} ${qa.audioSampleRate} Hz, faststart ${qa.faststart}, ` +
      `${qa.lufs} LUFS, ${qa.truePeakDb} dBTP, drift ${qa.avDriftMs} ms, longest black ${qa.longestBlackS} s, frozen ${qa.longestFrozenS} s\n`);
    sampling = false;
    await sampler;
    const figures = {
      render_realtime_ratio: round(rendered.durationS / renderS),
      edit_realtime_ratio: round(rendered.durationS / editS),
      peak_rss_mb: Math.round(peak / 1024 / 1024),
      lufs: qa.lufs,
      true_peak_db: qa.truePeakDb,
      av_drift_ms: qa.avDriftMs,
      media_s: round(rendered.durationS),
      edited_s: qa.durationS,
      render_s: round(renderS),
      edit_s: round(editS),
      edit_preset: preset,
      edit_picture: edited.rendered.video,
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
