import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import {
  ffmpeg,
  MediaInputError,
  MediaTimeoutError,
  MediaToolError,
  MediaToolMissingError,
  probe,
  renderStandIn,
  runTool,
  textEms,
  wrapText,
  type SceneMedia,
} from '#media';

let dir: string;

function script(scenes: Partial<StoryScriptV1['scenes'][number]>[], language = 'ko'): StoryScriptV1 {
  return {
    title: '성수동 카페 열풍',
    hook: '왜 모두 성수동으로 갈까?',
    language,
    hashtags: ['성수동'],
    sourceUrl: 'https://example.com/a',
    scenes: scenes.map((s) => ({ narration: '안녕하세요.', onScreen: '', mediaId: null, startS: null, endS: null, durationS: 1, ...s })),
  };
}

/** A frame at `atS` as raw grey pixels of the given size. */
async function frameGrey(video: string, atS: number, width: number, height: number): Promise<Buffer> {
  const png = join(dir, `frame-${atS}-${Math.random()}.png`);
  await ffmpeg(['-ss', String(atS), '-i', video, '-frames:v', '1', '-s', `${width}x${height}`, png]);
  return sharp(png).greyscale().raw().toBuffer();
}

function countBright(grey: Buffer, width: number, fromRow: number, toRow: number, threshold = 235): number {
  let n = 0;
  for (let y = fromRow; y < toRow; y++) for (let x = 0; x < width; x++) if (grey[y * width + x]! >= threshold) n++;
  return n;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-spec-'));
  // A flat mid-grey picture: any near-white pixel on it is a subtitle.
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#707070' } }).jpeg().toFile(join(dir, 'grey.jpg'));
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3050a0' } }).png().toFile(join(dir, 'blue.png'));
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=1', '-c:a', 'aac', join(dir, 'audio-only.mp4')]);
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
  await writeFile(join(dir, 'corrupt.jpg'), Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(300, 0x55)]));
  await writeFile(join(dir, 'empty.wav'), Buffer.alloc(0));
  await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-frames:a', '0', '-t', '0', join(dir, 'zero.wav')]).catch(() => writeFile(join(dir, 'zero.wav'), Buffer.alloc(44)));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('stand-in renderer', () => {
  it('renders a full-size 1080×1920 Short: H.264 High, yuv420p, 30 fps, AAC 48 kHz stereo, faststart, Korean subtitles', async () => {
    const media = new Map<number, SceneMedia>([[7, { kind: 'image', path: join(dir, 'grey.jpg') }]]);
    const story = script([
      { narration: '요즘 이십대와 삼십대가 성수동 카페로 몰려듭니다.', mediaId: 7, durationS: 2 },
      { narration: '여러분은 어떻게 생각하세요?', onScreen: '성수동', mediaId: null, durationS: 1 },
    ]);
    const out = join(dir, 'full.mp4');
    const result = await renderStandIn(story, media, out, { timeoutMs: 120_000 });
    assert.equal(result.renderer, 'standin-ffmpeg');
    assert.equal(result.narrationSource, 'espeak-ng:ko');
    assert.deepEqual(result.scenes.map((s) => s.shows), ['image', 'title-card']);
    for (const scene of result.scenes) assert.ok(scene.durationS >= scene.narrationS, 'a scene lasts at least its narration');

    const probed = await probe(out);
    assert.equal(probed.video?.codec, 'h264');
    assert.equal(probed.video?.profile, 'High');
    assert.equal(probed.video?.pixFmt, 'yuv420p');
    assert.equal(probed.video?.width, 1080);
    assert.equal(probed.video?.height, 1920);
    assert.equal(probed.video?.fps, 30);
    assert.equal(probed.audio?.codec, 'aac');
    assert.equal(probed.audio?.sampleRate, 48000);
    assert.equal(probed.audio?.channels, 2);
    assert.equal(probed.faststart, true);
    assert.ok(Math.abs((probed.durationS ?? 0) - result.durationS) < 0.1, `duration ${probed.durationS} vs planned ${result.durationS}`);
    assert.ok(Math.abs((probed.audio?.durationS ?? 0) - (probed.video?.durationS ?? 0)) < 0.05, 'audio and video end together');

    // Subtitles: bright pixels in the lower third of the grey picture, none in the middle band.
    const [w, h] = [270, 480];
    const grey = await frameGrey(out, result.scenes[0]!.durationS / 2, w, h);
    const lower = countBright(grey, w, Math.round(h * 0.66), h);
    const middle = countBright(grey, w, Math.round(h * 0.35), Math.round(h * 0.6));
    assert.ok(lower > 150, `subtitle pixels in the lower third: ${lower}`);
    assert.equal(middle, 0, 'nothing bright in the middle of a flat picture');
  });

  it('uses title cards for a story without images, and a video segment where one is picked', async () => {
    const media = new Map<number, SceneMedia>([[3, { kind: 'video', path: join(dir, 'clip.mp4') }]]);
    const story = script([
      { narration: 'First scene without a picture.', onScreen: 'Title card', durationS: 1 },
      { narration: 'A short clip.', mediaId: 3, startS: 0.5, endS: 1.5, durationS: 1.5 },
      { narration: 'The end.', mediaId: 99, durationS: 0.5 },
    ], 'en');
    const out = join(dir, 'small.mp4');
    const result = await renderStandIn(story, media, out, { width: 360, height: 640 });
    assert.deepEqual(result.scenes.map((s) => s.shows), ['title-card', 'video', 'title-card']);
    assert.match(result.narrationSource, /^espeak-ng:en/);
    const probed = await probe(out, { countFrames: true });
    assert.equal(probed.video?.width, 360);
    assert.equal(probed.video?.frames, Math.round(result.durationS * 30), 'whole frames, no drift');
    // The card's text is in the middle band.
    const grey = await frameGrey(out, 0.5, 180, 320);
    assert.ok(countBright(grey, 180, 110, 210) > 20, 'card text in the middle');
  });

  it('keeps every scene moving (pan and zoom, title cards too): freezedetect finds no still second', async () => {
    const photo = join(dir, 'photo.jpg');
    const circles = Array.from({ length: 25 }, (_, k) => `<circle cx="${(k * 137) % 800}" cy="${(k * 251) % 600}" r="${15 + k * 3}" fill="hsl(${k * 40},60%,50%)"/>`).join('');
    await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#336699"/>${circles}</svg>`)).jpeg().toFile(photo);
    const media = new Map<number, SceneMedia>([[1, { kind: 'image', path: photo }]]);
    const story = script([
      { narration: '하나.', mediaId: 1, durationS: 4 },
      { narration: '둘.', onScreen: '카드', mediaId: null, durationS: 4 },
      { narration: '셋.', mediaId: 1, durationS: 4 },
    ]);
    const out = join(dir, 'motion.mp4');
    const result = await renderStandIn(story, media, out, { width: 360, height: 640 });
    assert.deepEqual(result.scenes.map((s) => s.shows), ['image', 'title-card', 'image']);
    // The QA gate's detector, at its size: a still stretch of 1 s would be reported.
    const { stderr } = await runTool('ffmpeg', ['-hide_banner', '-nostdin', '-i', out, '-vf', 'scale=w=270:h=-2:flags=bilinear,freezedetect=n=-60dB:d=1', '-f', 'null', '-'], { timeoutMs: 60_000 });
    assert.doesNotMatch(stderr, /freeze_start/, 'no still second');
    // And the picture really moves: the first and last frames of scene 1 differ.
    const first = await frameGrey(out, 0, 90, 160);
    const last = await frameGrey(out, result.scenes[0]!.durationS - 0.6, 90, 160);
    let diff = 0;
    for (let i = 0; i < first.length; i++) diff += Math.abs(first[i]! - last[i]!);
    assert.ok(diff / first.length > 2, `the picture moved: mean difference ${diff / first.length}`);
  });

  it('rejects a corrupt image with a MediaInputError naming the scene', async () => {
    const media = new Map<number, SceneMedia>([[1, { kind: 'image', path: join(dir, 'corrupt.jpg') }]]);
    await assert.rejects(renderStandIn(script([{ mediaId: 1 }]), media, join(dir, 'x.mp4'), { width: 180, height: 320 }), (error: unknown) => {
      assert.ok(error instanceof MediaInputError, String(error));
      assert.match(error.message, /scene 1: image media 1: not a readable image/);
      return true;
    });
  });

  it('rejects a video without a frame', async () => {
    const media = new Map<number, SceneMedia>([[2, { kind: 'video', path: join(dir, 'audio-only.mp4') }]]);
    await assert.rejects(renderStandIn(script([{ mediaId: 2 }]), media, join(dir, 'x.mp4'), { width: 180, height: 320 }), (error: unknown) => {
      assert.ok(error instanceof MediaInputError, String(error));
      assert.match(error.message, /scene 1: video media 2 has no video frame/);
      return true;
    });
  });

  it('rejects zero-length narration audio', async () => {
    for (const file of ['empty.wav', 'zero.wav']) {
      await assert.rejects(
        renderStandIn(script([{}]), new Map(), join(dir, 'x.mp4'), { width: 180, height: 320, narrationFiles: [join(dir, file)] }),
        (error: unknown) => {
          assert.ok(error instanceof MediaInputError, `${file}: ${String(error)}`);
          assert.match(error.message, /scene 1: narration audio/);
          return true;
        },
      );
    }
  });

  it('muxes given narration files instead of espeak-ng', async () => {
    const voice = join(dir, 'voice.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=300:d=1.2', voice]);
    const result = await renderStandIn(script([{ durationS: 0.5 }]), new Map(), join(dir, 'files.mp4'), { width: 180, height: 320, narrationFiles: [voice] });
    assert.equal(result.narrationSource, 'files');
    assert.ok(result.durationS >= 1.2, 'the scene is stretched to its narration');
  });
});

describe('subtitle wrapping', () => {
  it('keeps every line within the width, breaking long words', () => {
    const text = '요즘 이십대와 삼십대가 주말마다 성수동의 작은 카페로 몰려들고 있습니다 averyveryveryverylongwordwithoutspaces 끝.';
    const lines = wrapText(text, 8);
    assert.ok(lines.length > 3);
    for (const line of lines) assert.ok(textEms(line) <= 8, `${line}: ${textEms(line)} ems`);
    assert.equal(lines.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
  });
});

describe('process runner and probe', () => {
  it('names a missing tool, a failure with its stderr, and a timeout', async () => {
    await assert.rejects(runTool('no-such-media-tool', []), MediaToolMissingError);
    await assert.rejects(ffmpeg(['-i', join(dir, 'nope.mp4'), join(dir, 'y.mp4')], { context: 'try' }), (error: unknown) => {
      assert.ok(error instanceof MediaToolError);
      assert.match(error.message, /ffmpeg failed \(try\): exit code 1: .*nope\.mp4/);
      return true;
    });
    await assert.rejects(runTool('sleep', ['5'], { timeoutMs: 100 }), MediaTimeoutError);
  });

  it('tells faststart from a plain MP4 and rejects what is not media', async () => {
    const plain = join(dir, 'plain.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x64:r=10:d=0.5', '-c:v', 'libx264', plain]);
    assert.equal((await probe(plain)).faststart, false);
    await assert.rejects(probe(join(dir, 'corrupt.jpg').replace('.jpg', '.wav')), /ENOENT/);
    const junk = join(dir, 'junk.bin');
    await writeFile(junk, Buffer.alloc(1000, 7));
    await assert.rejects(probe(junk), MediaInputError);
  });
});
