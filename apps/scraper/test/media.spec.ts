import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { FfmpegClient } from '../src/media/ffmpeg.client.js';
import { ImageProcessor } from '../src/media/image.processor.js';
import { MediaRejectedError } from '../src/media/media.errors.js';
import { SAMPLE_SITE_ROOT } from '../src/sample-site.server.js';
import { jpegWithExif, pngBomb } from './scraper-fixture.js';

const images = new ImageProcessor({ maxPixels: 50_000_000, maxSide: 2048, thumbSide: 320 });

async function rejection(promise: Promise<unknown>): Promise<MediaRejectedError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MediaRejectedError, String(error));
    return error;
  }
  assert.fail('accepted');
}

describe('image processor', () => {
  it('applies the EXIF orientation, then drops EXIF, GPS and every other metadata block', async () => {
    const input = await jpegWithExif();
    const before = await sharp(input).metadata();
    assert.deepEqual([before.width, before.height, before.orientation], [200, 100, 6]);
    assert.ok(input.includes('LeakyCam'));
    const out = await images.process(input);
    const meta = await sharp(out.data).metadata();
    assert.deepEqual([out.width, out.height, out.ext, meta.format], [100, 200, 'jpg', 'jpeg']);
    assert.deepEqual([meta.exif, meta.orientation, meta.xmp, meta.iptc], [undefined, undefined, undefined, undefined]);
    assert.ok(!out.data.includes('LeakyCam'));
    const thumb = await sharp(out.thumb).metadata();
    assert.deepEqual([thumb.format, thumb.width, thumb.height], ['webp', 100, 200]);
  });

  it('scales big images down and makes a 320 px thumbnail', async () => {
    const big = await sharp({ create: { width: 4000, height: 1000, channels: 3, background: '#808080' } }).png().toBuffer();
    const out = await images.process(big);
    assert.deepEqual([out.width, out.height], [2048, 512]);
    const thumb = await sharp(out.thumb).metadata();
    assert.deepEqual([thumb.width, thumb.height], [320, 80]);
  });

  it('keeps transparency as WebP', async () => {
    const alpha = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    const out = await images.process(alpha);
    assert.deepEqual([out.ext, out.contentType, (await sharp(out.data).metadata()).hasAlpha], ['webp', 'image/webp', true]);
  });

  it('refuses a PNG that declares 20000x20000 pixels before decoding it', async () => {
    const bomb = await pngBomb();
    assert.ok(bomb.length < 200, `the bomb is ${bomb.length} bytes`);
    const started = Date.now();
    const error = await rejection(images.process(bomb));
    assert.equal(error.code, 'too-many-pixels');
    assert.match(error.message, /20000x20000 = 400 MP, more than the 50 MP limit/);
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses SVG, non-images and truncated files with a reason', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="http://169.254.169.254/x"/></svg>');
    assert.equal((await rejection(images.process(svg))).code, 'format');
    assert.equal((await rejection(images.process(Buffer.from('<html>not an image</html>')))).code, 'format');
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } }).jpeg().toBuffer();
    assert.equal((await rejection(images.process(jpeg.subarray(0, jpeg.length / 2)))).code, 'undecodable');
  });
});

describe('ffmpeg client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffmpeg-test-'));
  const ffmpeg = new FfmpegClient(20_000);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('probes the sample clip and extracts keyframes spread over it', async () => {
    const clip = join(dir, 'clip');
    copyFileSync(join(SAMPLE_SITE_ROOT, 'media/clip.mp4'), clip);
    const video = await ffmpeg.probe(clip);
    assert.equal(video.container, 'mp4');
    assert.deepEqual([video.width, video.height, video.fps, video.hasAudio], [320, 240, 15, true]);
    assert.ok(Math.abs(video.durationS - 3) < 0.2);
    const frames = await ffmpeg.keyframes(clip, video, 3, dir);
    assert.deepEqual(
      frames.map((f) => f.frame),
      [8, 23, 38],
    );
    for (const frame of frames) assert.equal((await sharp(frame.path).metadata()).format, 'jpeg');
  });

  it('reads only MP4 and WebM: a playlist or a page is refused before ffmpeg sees it', async () => {
    const playlist = join(dir, 'playlist');
    writeFileSync(playlist, '#EXTM3U\n#EXTINF:10,\nhttp://169.254.169.254/latest/meta-data/\n');
    assert.equal((await rejection(ffmpeg.probe(playlist))).code, 'format');
    const broken = join(dir, 'broken');
    writeFileSync(broken, Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(100)]));
    assert.equal((await rejection(ffmpeg.probe(broken))).code, 'ffmpeg');
  });
});
