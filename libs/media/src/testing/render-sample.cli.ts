// Renders the 60-second, 6-scene Korean sample story at 1080×1920 with the stand-in and prints the
// figures (the editor's `npm run bench:render` measures the whole chain). Usage:
//   npm run -s build && node dist/libs/media/src/testing/render-sample.cli.js [outPath]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../probe.js';
import { renderStandIn } from '../render.js';
import { koreanSampleStory, writeSampleImages } from './sample-story.js';

const dir = await mkdtemp(join(tmpdir(), 'render-sample-'));
try {
  const out = process.argv[2] ?? join(dir, 'sample.mp4');
  const media = await writeSampleImages(dir);
  const started = Date.now();
  const result = await renderStandIn(koreanSampleStory(), media, out);
  const wallS = (Date.now() - started) / 1000;
  const probed = await probe(out);
  const figures = {
    media_s: Number(result.durationS.toFixed(2)),
    wall_s: Number(wallS.toFixed(2)),
    render_realtime_ratio: Number((result.durationS / wallS).toFixed(2)),
    bytes: probed.bytes,
    width: probed.video?.width,
    height: probed.video?.height,
    fps: probed.video?.fps,
    faststart: probed.faststart,
  };
  process.stdout.write(`stand-in render of the 6-scene Korean sample: ${figures.media_s} s of video in ${figures.wall_s} s wall (${figures.render_realtime_ratio}x real time)\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  if (!process.argv[2]) await rm(dir, { recursive: true, force: true });
}
