import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  editVideo,
  isConstantFrameRate,
  keptSegments,
  measureEbur128,
  planHeuristic,
  probe,
  QaGateError,
  qaFailures,
  toOutputTime,
  YOUTUBE_SHORTS,
  hasFaststart,
} from '../src/edit/index.js';
import { editOptions, makeInput, MediaDir, SMALL_SHORTS, toneWithGaps, videoPacketTimes } from './media.fixture.js';

/** What every output must be, measured again here with ffprobe and ebur128 (not the gate's own figures). */
async function assertPublishable(path: string, profile = SMALL_SHORTS): Promise<{ durationS: number; lufs: number; truePeakDb: number }> {
  const probed = await probe(path);
  assert.equal(probed.video?.codec, 'h264');
  assert.equal(probed.video?.profile, 'High');
  assert.equal(probed.video?.pixFmt, 'yuv420p');
  assert.equal(probed.video?.width, profile.width);
  assert.equal(probed.video?.height, profile.height);
  assert.equal(probed.video?.avgFps, profile.fps);
  assert.equal(probed.audio?.codec, 'aac');
  assert.equal(probed.audio?.sampleRate, 48_000);
  assert.ok(await hasFaststart(path), 'moov before mdat');
  const drift = Math.abs((probed.audio?.durationS ?? 0) - (probed.video?.durationS ?? 0));
  assert.ok(drift <= 0.04, `audio/video drift ${drift} s`);
  const loudness = await measureEbur128(path, 60_000);
  assert.ok(Math.abs(loudness.integratedLufs - -14) <= 1, `integrated ${loudness.integratedLufs} LUFS`);
  assert.ok(loudness.truePeakDb <= -1, `true peak ${loudness.truePeakDb} dBTP`);
  return { durationS: probed.formatDurationS, lufs: loudness.integratedLufs, truePeakDb: loudness.truePeakDb };
}

describe('editor timeline', () => {
  it('keeps the spans between cuts on the frame grid and maps times onto the output', () => {
    const segments = keptSegments({ keep: { startS: 0, endS: 10 }, cuts: [{ startS: 2.01, endS: 3.49, reason: 's' }, { startS: 8, endS: 12, reason: 's' }] }, 30, 180);
    assert.deepEqual(segments, [
      { startFrame: 0, endFrame: 60 },
      { startFrame: 105, endFrame: 240 },
    ]);
    assert.equal(toOutputTime(segments, 30, 1), 1);
    assert.equal(toOutputTime(segments, 30, 2.5), null);
    assert.equal(toOutputTime(segments, 30, 4), 2 + 0.5);
    assert.deepEqual(keptSegments({ keep: { startS: 0, endS: 10 }, cuts: [] }, 30, 4), [{ startFrame: 0, endFrame: 120 }], 'trimmed to the maximum');
  });

  it('names every failed rule with its figure', () => {
    const figures = {
      width: 1080, height: 1920, videoCodec: 'h264', videoProfile: 'Main', pixFmt: 'yuv420p', fps: 30, audioCodec: 'aac', audioSampleRate: 44_100,
      audioChannels: 2, faststart: false, durationS: 190, videoDurationS: 190, audioDurationS: 189.9, avDriftMs: 100, lufs: -18, truePeakDb: -0.2,
      lraLu: 3, longestBlackS: 0, longestFrozenS: 16, black: [], frozen: [{ startS: 10, endS: 26 }],
    };
    assert.deepEqual(qaFailures(figures, YOUTUBE_SHORTS), [
      'video h264 Main, needs h264 High',
      'audio at 44100 Hz, needs 48000 Hz',
      'moov box after mdat (not faststart)',
      'duration 190 s over the 180 s of youtube-shorts',
      'audio 189.9 s vs video 190 s: drift 100 ms over 40 ms',
      'loudness -18 LUFS outside -14 ± 1',
      'true peak -0.2 dBTP over -1 dBTP',
      'frozen for 16 s (at 10.00–26.00 s), at most 3 s',
    ]);
  });

  it('skips silence cuts that would leave almost nothing', () => {
    const plan = planHeuristic(
      { durationS: 10, fps: 30, constantFrameRate: true },
      { silences: [{ startS: 0, endS: 9.5 }], sceneChangesS: [], black: [], frozen: [], videoScanned: true },
      SMALL_SHORTS,
      null,
    );
    assert.deepEqual(plan.cuts, []);
    assert.match(plan.notes.join(' '), /silence cuts skipped/);
  });
});

describe('editor: heuristic edits of real ffmpeg media', () => {
  let dir: MediaDir;
  before(async () => {
    dir = await MediaDir.create();
  });
  after(async () => {
    await dir?.remove();
  });

  it('cuts silent gaps, normalises to −14 LUFS, passes the gate and makes a JPEG thumbnail', async () => {
    const input = await makeInput(dir.file('gaps.mp4'), { durationS: 6, audio: toneWithGaps(6, [[1.5, 2.7], [4, 5]]) });
    const outcome = await editVideo(input, null, await editOptions(dir));
    assert.equal(outcome.plan.cuts.length, 2, JSON.stringify(outcome.plan.cuts));
    assert.equal(outcome.rendered.video, 'encode');
    assert.equal(outcome.rendered.loudness.mode, 'linear');
    const measured = await assertPublishable(outcome.outputPath);
    // 6 s minus the two gaps, each less the 0.15 s of air kept on both sides.
    assert.ok(Math.abs(measured.durationS - (6 - 0.9 - 0.7)) < 0.1, `duration ${measured.durationS}`);
    assert.ok(Math.abs(outcome.qa.figures.lufs - measured.lufs) < 0.2, 'the gate measured what we measured');
    const jpeg = await readFile(outcome.thumbnailPath);
    assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8');
  });

  it('turns a variable frame rate into a constant one without drift', async () => {
    // One second at 30 fps, then every third frame only: 10 fps with the same clock.
    const input = await makeInput(dir.file('vfr.mp4'), { durationS: 4, videoFilter: "select='lt(n\\,30)+not(mod(n\\,3))'", vfr: true });
    assert.equal(await isConstantFrameRate(input, 30), false, 'the input really is variable');
    const outcome = await editVideo(input, null, await editOptions(dir));
    assert.equal(outcome.plan.source.constantFrameRate, false);
    await assertPublishable(outcome.outputPath);
    const times = await videoPacketTimes(outcome.outputPath);
    for (let i = 1; i < times.length; i++) assert.ok(Math.abs(times[i]! - times[i - 1]! - 1 / 30) < 0.001, `frame ${i} at ${times[i]}`);
    assert.ok(Math.abs(times.length / 30 - 4) < 0.1, `${times.length} frames`);
  });

  it('trims a video longer than the platform allows', async () => {
    const input = await makeInput(dir.file('long.mp4'), { durationS: 5 });
    const profile = { ...SMALL_SHORTS, maxDurationS: 3 };
    const outcome = await editVideo(input, null, await editOptions(dir, profile));
    const measured = await assertPublishable(outcome.outputPath, profile);
    assert.ok(Math.abs(measured.durationS - 3) < 0.05, `duration ${measured.durationS}`);
    assert.match(outcome.plan.notes.join(' '), /trimmed to 3 s/);
  });

  it('lifts a quiet input and lowers a loud one to the target, linearly', async () => {
    const quiet = await makeInput(dir.file('quiet.mp4'), { durationS: 3, audio: toneWithGaps(3, [], -25) });
    const loud = await makeInput(dir.file('loud.mp4'), { durationS: 3, audio: toneWithGaps(3, [], 16) });
    for (const input of [quiet, loud]) {
      const outcome = await editVideo(input, null, await editOptions(dir));
      assert.equal(outcome.rendered.loudness.mode, 'linear', outcome.rendered.loudness.reason);
      await assertPublishable(outcome.outputPath);
    }
  });

  it('uses gain and a limiter where a linear gain would clip, and measures again', async () => {
    // A quiet tone with full-scale clicks: reaching −14 LUFS linearly would put the peaks far over 0 dBTP.
    const input = await makeInput(dir.file('peaky.mp4'), {
      durationS: 4,
      audio: "aevalsrc='0.02*sin(2*PI*440*t)+if(lt(mod(t\\,0.5)\\,0.002)\\,0.95\\,0)':s=48000:d=4",
    });
    const outcome = await editVideo(input, null, await editOptions(dir));
    assert.equal(outcome.rendered.loudness.mode, 'gain+limiter', outcome.rendered.loudness.reason);
    await assertPublishable(outcome.outputPath);
  });

  it('copies the picture when it already is what the platform wants', async () => {
    const input = await makeInput(dir.file('ready.mp4'), { durationS: 3, high: true });
    const outcome = await editVideo(input, null, await editOptions(dir));
    assert.equal(outcome.rendered.video, 'copy');
    await assertPublishable(outcome.outputPath);
  });

  it('fails the gate with the figures on a silent video and on a black one', async () => {
    const silent = await makeInput(dir.file('silent.mp4'), { durationS: 3, audio: 'anullsrc=r=48000:cl=stereo' });
    await assert.rejects(editVideo(silent, null, await editOptions(dir)), (error: unknown) => {
      assert.ok(error instanceof QaGateError, String(error));
      assert.match(error.message, /loudness (-70|-Infinity) LUFS outside -14 ± 1/);
      assert.equal(error.figures.width, 360);
      return true;
    });
    const black = await makeInput(dir.file('black.mp4'), { durationS: 3, video: 'color=c=black:s=360x640:r=30:d=3' });
    await assert.rejects(editVideo(black, null, await editOptions(dir)), (error: unknown) => {
      assert.ok(error instanceof QaGateError, String(error));
      assert.match(error.message, /black for 3 s/);
      assert.ok(error.figures.longestBlackS >= 2.9);
      return true;
    });
  });

  it('fails the gate on a picture stuck for longer than 3 s (a still frame is a fault since the stand-in moves every picture)', async () => {
    const still = await makeInput(dir.file('still.mp4'), { durationS: 5, video: 'color=c=0x406080:s=360x640:r=30:d=5' });
    await assert.rejects(editVideo(still, null, await editOptions(dir)), (error: unknown) => {
      assert.ok(error instanceof QaGateError, String(error));
      assert.match(error.message, /frozen for [45](\.\d+)? s \(at 0\.00–5\.00 s\), at most 3 s/);
      return true;
    });
  });

  it('meets the full Shorts spec at 1080x1920', async () => {
    const input = await makeInput(dir.file('full.mp4'), { durationS: 2, width: 1080, height: 1920, audio: toneWithGaps(2, []) });
    const outcome = await editVideo(input, null, await editOptions(dir, YOUTUBE_SHORTS));
    await assertPublishable(outcome.outputPath, YOUTUBE_SHORTS);
    assert.deepEqual(outcome.qa.failures, []);
  });
});
