import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeadLetterV1, EditDecisionListV1, StoryScriptV1 } from '#contracts';
import { waitFor } from '#testing';
import { makeInput, MediaDir, toneWithGaps } from './media.fixture.js';
import { EditorHarness } from './stage.fixture.js';

const SCRIPT: StoryScriptV1 = {
  title: '성수동 팝업에 몰린 2030',
  hook: '주말마다 두 시간 줄을 서는 곳',
  language: 'ko',
  scenes: [
    { narration: '성수동 팝업스토어에 주말마다 수천 명이 몰립니다.', onScreen: '긴 대기줄', mediaId: null, startS: null, endS: null, durationS: 2 },
    { narration: '한정판 굿즈가 인기 비결입니다.', onScreen: '굿즈 진열대', mediaId: null, startS: null, endS: null, durationS: 2 },
  ],
  hashtags: ['#성수동'],
  sourceUrl: 'https://news.example/popup',
};

describe('editor stage with catalog and files on one bus', () => {
  let h: EditorHarness;
  let media: MediaDir;

  before(async () => {
    media = await MediaDir.create();
    h = await EditorHarness.start();
  });
  after(async () => {
    await h?.close();
    await media?.remove();
  });

  it('edits a generated video: file, thumbnail, catalog row with plan and figures, one video.edited', async () => {
    const input = await makeInput(media.file('gen.mp4'), { durationS: 4, audio: toneWithGaps(4, [[1.8, 2.8]]) });
    const generated = await h.generatedVideo(input, SCRIPT);
    await h.publish(generated);
    const [event] = await waitFor('video.edited', async () => {
      const found = await h.edited(generated.videoId);
      return found.length > 0 ? found : null;
    }, 90_000, 200);
    const edited = event!.payload;
    assert.equal(edited.editor, 'standin-ffmpeg-editor');
    assert.equal(edited.standIn, true);
    assert.equal(edited.planner, 'heuristic');
    assert.equal(edited.platformProfile, 'test-small');
    assert.ok(Math.abs(edited.lufs! - -14) <= 1, `lufs ${edited.lufs}`);
    assert.ok(edited.truePeakDb! <= -1);
    assert.ok(edited.avDriftMs! <= 40);
    assert.ok(edited.durationS > 3 && edited.durationS < 3.6, `one gap cut: ${edited.durationS} s`);
    assert.match(edited.fileKey, /^generated\/.*\/edited-\d{3,}\.mp4$/);
    assert.equal(event!.correlationId, `test-${generated.videoId}`);

    const stat = await h.files.stat(edited.fileKey);
    assert.ok(stat && stat.bytes > 0, 'the edited file is on the file server');
    const thumbnail = await h.files.get(edited.thumbnailKey!);
    assert.equal(thumbnail.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG thumbnail');

    const [row] = h.rows('SELECT editor, stand_in, planner, plan_json, qa_json, lufs, true_peak_db, av_drift_ms, thumbnail_key FROM edit WHERE id = ?', edited.editId);
    assert.equal(row!.editor, 'standin-ffmpeg-editor');
    assert.equal(Number(row!.stand_in), 1);
    const plan = JSON.parse(String(row!.plan_json)) as EditDecisionListV1;
    assert.equal(plan.cuts.length, 1);
    assert.deepEqual(plan.subtitles.map((cue) => cue.text), SCRIPT.scenes.map((scene) => scene.narration), 'cues from the script');
    const qa = JSON.parse(String(row!.qa_json)) as Record<string, unknown>;
    assert.equal(qa.faststart, true);
    assert.equal(qa.videoProfile, 'High');
    assert.equal(row!.thumbnail_key, edited.thumbnailKey);
    // Retention: an unpublished edit is never planned for eviction.
    const [file] = h.rows('SELECT file_class, evict_rank FROM file_registry WHERE file_key = ?', edited.fileKey);
    assert.equal(file!.file_class, 'generated-unpublished');
    assert.equal(file!.evict_rank, null);
  });

  it('changes nothing and publishes nothing twice on a repeated event', async () => {
    const input = await makeInput(media.file('again.mp4'), { durationS: 3 });
    const generated = await h.generatedVideo(input, null);
    await h.publish(generated);
    await waitFor('the first video.edited', async () => (await h.edited(generated.videoId)).length === 1, 90_000, 200);
    await h.publish(generated, `again:${generated.videoId}`);
    await waitFor('the repeat handled', async () => {
      // The repeat re-renders, finds the edit recorded and publishes nothing; wait until it was acked.
      const info = await h.bus.jsm.consumers.info(h.bus.ns.stream('PIPELINE'), 'editor');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 90_000, 200);
    assert.equal((await h.edited(generated.videoId)).length, 1);
    assert.equal(h.rows('SELECT id FROM edit WHERE video_id = ?', generated.videoId).length, 1);
  });

  it('dead-letters a video that fails the QA gate, with the figures, and publishes no edit', async () => {
    const input = await makeInput(media.file('silent.mp4'), { durationS: 3, audio: 'anullsrc=r=48000:cl=stereo' });
    const generated = await h.generatedVideo(input, null);
    await h.publish(generated);
    const letter = await waitFor('a dead letter', async () => {
      const letters = (await h.deadLetters()).filter((e) => (e.payload as DeadLetterV1).error.includes(`video ${generated.videoId}:`));
      return letters[0] ?? null;
    }, 90_000, 200);
    const dead = letter.payload as DeadLetterV1;
    assert.equal(dead.reason, 'poison');
    assert.equal(dead.attempts, 1, 'dead-lettered at once: the same input fails the same way');
    const reason = dead.error;
    assert.match(reason, /QA gate failed: loudness .* LUFS outside -14 ± 1/);
    assert.match(reason, /"width":360/, 'the figures travel with the reason');
    assert.equal((await h.edited(generated.videoId)).length, 0);
    assert.equal(h.rows('SELECT id FROM edit WHERE video_id = ?', generated.videoId).length, 0);
  });
});
