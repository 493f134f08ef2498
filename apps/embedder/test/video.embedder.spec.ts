import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  FfmpegKeyframeExtractor,
  HashTextEmbedder,
  ImageFeatureEmbedder,
  KeyframeExtractionError,
  VideoEmbedder,
  dot,
} from '../src/embedding/index.js';
import { splitPngStream } from '../src/embedding/png-stream.util.js';
import { SCENE_COUNT, renderScene } from './synthetic-images.fixture.js';

const run = promisify(execFile);

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function nearest(query: Float32Array, candidates: Float32Array[]): number {
  const scores = candidates.map((candidate) => dot(query, candidate));
  return scores.indexOf(Math.max(...scores));
}

describe('FfmpegKeyframeExtractor and VideoEmbedder (stand-in, real ffmpeg)', () => {
  const images = new ImageFeatureEmbedder();
  const texts = new HashTextEmbedder();
  let dir: string;
  let sceneVectors: Float32Array[];
  const files = { twoScenes: '', audioOnly: '', junk: '', truncated: '', long: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embed-video-'));
    const scenes = await Promise.all(Array.from({ length: SCENE_COUNT }, (_, i) => renderScene(i)));
    sceneVectors = await images.embedImages(scenes);
    await writeFile(join(dir, 's0.png'), scenes[0]);
    await writeFile(join(dir, 's3.png'), scenes[3]);
    files.twoScenes = join(dir, 'two-scenes.mp4');
    // Scene 0 for 2 s, then a hard cut to scene 3 for 2 s, as H.264 in yuv420p (lossy, like the real thing).
    await ffmpeg([
      '-loop', '1', '-t', '2', '-i', join(dir, 's0.png'),
      '-loop', '1', '-t', '2', '-i', join(dir, 's3.png'),
      '-filter_complex', '[0:v][1:v]concat=n=2:v=1,fps=10,format=yuv420p[v]', '-map', '[v]',
      '-c:v', 'libx264', '-preset', 'ultrafast', files.twoScenes,
    ]);
    files.audioOnly = join(dir, 'audio-only.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', files.audioOnly]);
    files.junk = join(dir, 'junk.mp4');
    await writeFile(files.junk, Buffer.from('not a video, just some bytes pretending to be one'.repeat(100)));
    files.truncated = join(dir, 'truncated.mp4');
    const whole = await readFile(files.twoScenes);
    await writeFile(files.truncated, whole.subarray(0, Math.floor(whole.length / 3)));
    files.long = join(dir, 'long.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=20', '-c:v', 'libx264', '-preset', 'ultrafast', files.long]);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the first frame and each cut, and the frames embed like the pictures they show', async () => {
    const frames = await new FfmpegKeyframeExtractor().extract(files.twoScenes);
    assert.equal(frames.length, 2, `times ${frames.map((f) => f.timeS).join(', ')}`);
    assert.ok(Math.abs(frames[0].timeS - 0) < 0.01);
    assert.ok(Math.abs(frames[1].timeS - 2) < 0.2, `cut found at ${frames[1].timeS}`);
    const vectors = await images.embedImages(frames.map((frame) => frame.png));
    assert.deepEqual(vectors.map((vector) => nearest(vector, sceneVectors)), [0, 3]);
    assert.ok(dot(vectors[0], sceneVectors[0]) > 0.95, `frame 0 vs scene 0: ${dot(vectors[0], sceneVectors[0])}`);
  });

  it('bounds the count in interval mode', async () => {
    const extractor = new FfmpegKeyframeExtractor({ mode: 'interval', intervalS: 1, maxFrames: 3 });
    const frames = await extractor.extract(files.long);
    assert.deepEqual(frames.map((frame) => Math.round(frame.timeS)), [0, 1, 2]);
    const meta = splitPngStream(Buffer.concat(frames.map((frame) => frame.png)));
    assert.equal(meta.images.length, 3);
    assert.equal(meta.trailing, 0);
  });

  it('embeds frames (each and pooled) and the caption, each in its own space', async () => {
    const video = new VideoEmbedder(new FfmpegKeyframeExtractor(), images, texts);
    const caption = '노을 진 바다와 빨간 체크무늬';
    const result = await video.embedVideo(files.twoScenes, caption);
    const frames = result.frames;
    assert.equal(frames.status, 'embedded');
    if (frames.status !== 'embedded') return;
    assert.equal(frames.modelId, 'standin-image-features-v1');
    assert.equal(frames.frames.length, 2);
    assert.ok(Math.abs(dot(frames.pooled, frames.pooled) - 1) < 1e-5);
    const pooledScores = sceneVectors.map((vector) => dot(frames.pooled, vector));
    const topTwo = [...pooledScores.keys()].sort((a, b) => pooledScores[b] - pooledScores[a]).slice(0, 2).sort();
    assert.deepEqual(topTwo, [0, 3], `pooled scores ${pooledScores.map((s) => s.toFixed(2)).join(' ')}`);
    assert.equal(result.caption.status, 'embedded');
    if (result.caption.status !== 'embedded') return;
    assert.equal(result.caption.modelId, 'standin-hash-ngram-v1');
    assert.deepEqual(result.caption.vector, (await texts.embedTexts([caption]))[0]);
  });

  for (const kind of ['audioOnly', 'junk', 'truncated'] as const) {
    it(`reports no decodable frame for ${kind} as a typed failure of the frames part only`, async () => {
      const video = new VideoEmbedder(new FfmpegKeyframeExtractor(), images, texts);
      const result = await video.embedVideo(files[kind], 'caption still counts');
      assert.equal(result.frames.status, 'failed');
      if (result.frames.status !== 'failed') return;
      assert.ok(result.frames.error instanceof KeyframeExtractionError);
      assert.equal(result.frames.error.code, 'NO_DECODABLE_FRAME', result.frames.error.message);
      assert.match(result.frames.error.message, /no decodable video frame in/);
      assert.ok(result.frames.error.stderr.length > 0, 'ffmpeg stderr is kept for the log');
      assert.equal(result.caption.status, 'embedded');
    });
  }

  it('kills ffmpeg at the timeout', async () => {
    const extractor = new FfmpegKeyframeExtractor({ mode: 'interval', intervalS: 0.04, maxFrames: 256, timeoutMs: 50 });
    await assert.rejects(extractor.extract(files.long), { name: 'KeyframeExtractionError', code: 'TIMEOUT' });
  });

  it('keeps a missing ffmpeg a fault of the deployment, not of the video', async () => {
    const video = new VideoEmbedder(new FfmpegKeyframeExtractor({ ffmpegPath: '/nonexistent/ffmpeg' }), images, texts);
    await assert.rejects(video.embedVideo(files.twoScenes), { code: 'FFMPEG_NOT_FOUND', message: /install ffmpeg or set ffmpegPath/ });
  });

  it('reports an absent caption as absent', async () => {
    const video = new VideoEmbedder(new FfmpegKeyframeExtractor({ maxFrames: 1 }), images, texts);
    const result = await video.embedVideo(files.twoScenes, '   ');
    assert.equal(result.caption.status, 'absent');
    assert.equal(result.frames.status, 'embedded');
  });
});
