import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { IMAGE_FEATURES_MODEL_ID, ImageFeatureEmbedder, ImageInputError, dot, embedImagesEach } from '../src/embedding/index.js';
import { NEAR_DUPLICATE_EDITS, SCENE_COUNT, renderScene } from './synthetic-images.fixture.js';

function nearest(query: Float32Array, candidates: Float32Array[]): number {
  const scores = candidates.map((candidate) => dot(query, candidate));
  return scores.indexOf(Math.max(...scores));
}

describe('ImageFeatureEmbedder (stand-in)', () => {
  const embedder = new ImageFeatureEmbedder();
  let scenes: Buffer[];
  let originals: Float32Array[];

  before(async () => {
    scenes = await Promise.all(Array.from({ length: SCENE_COUNT }, (_, i) => renderScene(i)));
    originals = await embedder.embedImages(scenes);
  });

  it('says what it is and returns unit vectors', () => {
    assert.equal(embedder.modelId, IMAGE_FEATURES_MODEL_ID);
    assert.equal(embedder.modelId, 'standin-image-features-v1');
    assert.equal(embedder.standIn, true);
    for (const vector of originals) {
      assert.equal(vector.length, embedder.dim);
      assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-5);
    }
  });

  it('keeps distinct pictures apart', () => {
    for (let i = 0; i < originals.length; i++) {
      for (let j = i + 1; j < originals.length; j++) {
        const similarity = dot(originals[i], originals[j]);
        assert.ok(similarity < 0.8, `scenes ${i} and ${j} look alike: ${similarity}`);
      }
    }
  });

  for (const edit of NEAR_DUPLICATE_EDITS) {
    it(`finds every picture again after: ${edit.name}`, async () => {
      const edited = await embedder.embedImages(await Promise.all(scenes.map((png) => edit.apply(png))));
      const found = edited.map((vector) => nearest(vector, originals));
      assert.deepEqual(found, [0, 1, 2, 3, 4, 5], `${found.filter((f, i) => f === i).length}/6 found`);
      for (const [i, vector] of edited.entries()) {
        assert.ok(dot(vector, originals[i]) > 0.95, `scene ${i}: similarity ${dot(vector, originals[i])}`);
      }
    });
  }

  it('is deterministic and independent of the batch it is in', async () => {
    const [alone] = await embedder.embedImages([scenes[3]]);
    assert.deepEqual(alone, originals[3]);
  });

  it('names the bad image by its position and what is wrong with it', async () => {
    const junk = Buffer.from('this is not an image at all');
    await assert.rejects(embedder.embedImages([scenes[0], scenes[1], junk]), (error: unknown) => {
      assert.ok(error instanceof ImageInputError);
      assert.equal(error.index, 2);
      assert.equal(error.code, 'UNSUPPORTED_FORMAT');
      assert.match(error.message, /^image 2: /);
      return true;
    });
    await assert.rejects(embedder.embedImages([Buffer.alloc(0)]), { name: 'ImageInputError', code: 'EMPTY', index: 0 });
    const truncated = (await sharp(scenes[2]).jpeg().toBuffer()).subarray(0, 600);
    await assert.rejects(embedder.embedImages([truncated]), { name: 'ImageInputError', code: 'UNDECODABLE' });
  });

  it('embeds the good images of a batch and reports each bad one (embedImagesEach)', async () => {
    const outcomes = await embedImagesEach(embedder, [scenes[0], Buffer.from('GIF89a broken'), scenes[2], Buffer.alloc(0)]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['embedded', 'failed', 'embedded', 'failed']);
    const [first, second, , fourth] = outcomes;
    assert.ok(first.status === 'embedded' && dot(first.vector, originals[0]) > 0.9999);
    assert.ok(second.status === 'failed' && second.error instanceof ImageInputError && second.error.index === 1);
    assert.match(second.status === 'failed' ? second.error.message : '', /^image 1: could not be decoded|^image 1: not an image format/);
    assert.ok(fourth.status === 'failed' && fourth.error instanceof ImageInputError && fourth.error.index === 3);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    // 4000x4000 of one colour: a few kB of PNG that would inflate to 48 MB of pixels.
    const bomb = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#ff0000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < 1_000_000, `bomb is ${bomb.length} bytes`);
    const guarded = new ImageFeatureEmbedder({ limitInputPixels: 5_000_000 });
    await assert.rejects(guarded.embedImages([scenes[0], bomb]), (error: unknown) => {
      assert.ok(error instanceof ImageInputError);
      assert.equal(error.code, 'TOO_MANY_PIXELS');
      assert.equal(error.index, 1);
      assert.match(error.message, /5,000,000 pixel input limit/);
      return true;
    });
  });

  it('embeds a flat image (no edges, no layout) as a unit vector', async () => {
    const flat = await sharp({ create: { width: 50, height: 30, channels: 4, background: '#33669980' } }).png().toBuffer();
    const [vector] = await embedder.embedImages([flat]);
    assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-5);
  });
});
