import sharp from 'sharp';
import type { ImageEmbedder } from './embedder.types.js';
import { ImageInputError } from './embedding.errors.js';
import { l2Normalise } from './vector.util.js';

export interface ImageFeatureEmbedderOptions {
  /**
   * Decoding refuses images with more pixels than this (width x height of the first frame), so a
   * tiny file that inflates to gigabytes is rejected before it is decoded. 50 megapixels by default.
   */
  limitInputPixels?: number;
  /** Images decoded at the same time; sharp uses its own threads per image. */
  concurrency?: number;
}

export const IMAGE_FEATURES_MODEL_ID = 'standin-image-features-v1';

/** Share of the cosine similarity each feature block contributes (squared weights sum to 1). */
export const IMAGE_FEATURE_WEIGHTS = { colour: 0.4, layout: 0.35, edges: 0.25 } as const;

const WORK_SIZE = 64;
const DCT_SIZE = 32;
const DCT_KEEP = 8;
const HUE_BINS = 12;
const SAT_BINS = 3;
const VAL_BINS = 3;
const GREY_BINS = 4;
const COLOUR_DIM = HUE_BINS * SAT_BINS * VAL_BINS + GREY_BINS;
const LAYOUT_DIM = DCT_KEEP * DCT_KEEP - 1;
const EDGE_GRID = 2;
const EDGE_BINS = 8;
const EDGE_DIM = EDGE_GRID * EDGE_GRID * EDGE_BINS;

/**
 * Stand-in image embedder: hand-made features computed with sharp, no model. Every image is first
 * squashed to 64x64 sRGB (aspect ignored, as pHash does), then
 * - colour: a soft HSV histogram (12 hues x 3 saturations x 3 values, plus 4 grey levels for
 *   unsaturated pixels), square-rooted so that cosine behaves like the Bhattacharyya coefficient;
 * - layout: the 8x8 lowest-frequency DCT coefficients of a 32x32 greyscale (pHash's block) without
 *   the DC term, so brightness shifts do not move it;
 * - edges: a magnitude-weighted histogram of Sobel gradient orientations in a 2x2 grid.
 * It finds the same picture again after resizing, re-encoding, slight brightness or colour changes
 * and small crops; it knows nothing about what is in the picture.
 */
export class ImageFeatureEmbedder implements ImageEmbedder {
  readonly modelId = IMAGE_FEATURES_MODEL_ID;
  readonly dim = COLOUR_DIM + LAYOUT_DIM + EDGE_DIM;
  readonly standIn = true;
  private readonly limitInputPixels: number;
  private readonly concurrency: number;

  constructor(options: ImageFeatureEmbedderOptions = {}) {
    this.limitInputPixels = options.limitInputPixels ?? 50_000_000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Rejects with the ImageInputError of the first bad image (its `index` says which). */
  async embedImages(images: Buffer[]): Promise<Float32Array[]> {
    const vectors = new Array<Float32Array>(images.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < images.length) {
        const index = next++;
        vectors[index] = await this.embedImage(images[index], index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, images.length) }, worker));
    return vectors;
  }

  async embedImage(image: Buffer, index = 0): Promise<Float32Array> {
    const rgb = await this.decode(image, index);
    return imageFeatures(rgb, WORK_SIZE);
  }

  private async decode(image: Buffer, index: number): Promise<Uint8Array> {
    if (!Buffer.isBuffer(image) || image.length === 0) {
      throw new ImageInputError('EMPTY', index, 'no bytes; pass the encoded file (JPEG, PNG, WebP, GIF, AVIF, TIFF)');
    }
    let pixels: Buffer;
    try {
      pixels = await sharp(image, { limitInputPixels: this.limitInputPixels, failOn: 'error', animated: false })
        .autoOrient()
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .resize(WORK_SIZE, WORK_SIZE, { fit: 'fill', kernel: 'cubic' })
        .removeAlpha()
        .raw()
        .toBuffer();
    } catch (error) {
      throw describeDecodeError(error, index, this.limitInputPixels);
    }
    if (pixels.length !== WORK_SIZE * WORK_SIZE * 3) {
      throw new ImageInputError('UNDECODABLE', index, `decoded to ${pixels.length} bytes, expected 64x64 RGB`);
    }
    return pixels;
  }
}

function describeDecodeError(error: unknown, index: number, limit: number): ImageInputError {
  const reason = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(reason)) {
    return new ImageInputError(
      'TOO_MANY_PIXELS',
      index,
      `larger than the ${limit.toLocaleString('en')} pixel input limit; shrink it or raise limitInputPixels`,
      { cause: error },
    );
  }
  if (/unsupported image format/i.test(reason)) {
    return new ImageInputError('UNSUPPORTED_FORMAT', index, `not an image format sharp can read (${reason})`, {
      cause: error,
    });
  }
  return new ImageInputError('UNDECODABLE', index, `could not be decoded: ${reason}`, { cause: error });
}

/** Features of a size x size RGB raster; exported for keyframes that are already decoded. */
export function imageFeatures(rgb: Uint8Array, size: number): Float32Array {
  const grey = new Float32Array(size * size);
  for (let p = 0; p < size * size; p++) {
    grey[p] = (0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]) / 255;
  }
  const colour = colourHistogram(rgb, size * size);
  const layout = dctLayout(downsample(grey, size, DCT_SIZE));
  const edges = edgeOrientations(grey, size);
  const out = new Float32Array(COLOUR_DIM + LAYOUT_DIM + EDGE_DIM);
  place(out, 0, l2Normalise(colour), IMAGE_FEATURE_WEIGHTS.colour);
  place(out, COLOUR_DIM, l2Normalise(layout), IMAGE_FEATURE_WEIGHTS.layout);
  place(out, COLOUR_DIM + LAYOUT_DIM, l2Normalise(edges), IMAGE_FEATURE_WEIGHTS.edges);
  // Blocks that are all zero (a flat image has no edges) leave the rest short of unit length.
  return l2Normalise(out);
}

function place(out: Float32Array, offset: number, block: Float32Array, share: number): void {
  const scale = Math.sqrt(share);
  for (let i = 0; i < block.length; i++) out[offset + i] = block[i] * scale;
}

/** Splits weight between the two bins nearest `position` (in bin units), so values near a border count in both. */
function softBins(position: number, bins: number, circular: boolean): [number, number, number] {
  const shifted = position - 0.5;
  let low = Math.floor(shifted);
  const fraction = shifted - low;
  let high = low + 1;
  if (circular) {
    low = (low + bins) % bins;
    high = high % bins;
  } else {
    low = Math.max(0, low);
    high = Math.min(bins - 1, high);
  }
  return [low, high, fraction];
}

function colourHistogram(rgb: Uint8Array, pixels: number): Float32Array {
  const hist = new Float32Array(COLOUR_DIM);
  for (let p = 0; p < pixels; p++) {
    const r = rgb[p * 3] / 255;
    const g = rgb[p * 3 + 1] / 255;
    const b = rgb[p * 3 + 2] / 255;
    const max = Math.max(r, g, b);
    const chroma = max - Math.min(r, g, b);
    const sat = max === 0 ? 0 : chroma / max;
    // Hue is noise for dark or washed-out pixels: they go to grey bins, with a soft hand-over.
    const chromatic = clamp01((sat - 0.1) / 0.2) * clamp01((max - 0.1) / 0.15);
    if (chromatic < 1) {
      const [g0, g1, gf] = softBins(max * GREY_BINS, GREY_BINS, false);
      const greyBase = HUE_BINS * SAT_BINS * VAL_BINS;
      hist[greyBase + g0] += (1 - chromatic) * (1 - gf);
      hist[greyBase + g1] += (1 - chromatic) * gf;
    }
    if (chromatic === 0) continue;
    let hue: number;
    if (max === r) hue = ((g - b) / chroma + 6) % 6;
    else if (max === g) hue = (b - r) / chroma + 2;
    else hue = (r - g) / chroma + 4;
    const [h0, h1, hf] = softBins((hue / 6) * HUE_BINS, HUE_BINS, true);
    const [s0, s1, sf] = softBins(((sat - 0.2) / 0.8) * SAT_BINS, SAT_BINS, false);
    const [v0, v1, vf] = softBins(((max - 0.15) / 0.85) * VAL_BINS, VAL_BINS, false);
    for (const [h, wh] of [[h0, 1 - hf], [h1, hf]] as const) {
      for (const [s, ws] of [[s0, 1 - sf], [s1, sf]] as const) {
        hist[(h * SAT_BINS + s) * VAL_BINS + v0] += chromatic * wh * ws * (1 - vf);
        hist[(h * SAT_BINS + s) * VAL_BINS + v1] += chromatic * wh * ws * vf;
      }
    }
  }
  for (let i = 0; i < hist.length; i++) hist[i] = Math.sqrt(hist[i] / pixels);
  return hist;
}

function downsample(grey: Float32Array, size: number, target: number): Float32Array {
  const factor = size / target;
  const out = new Float32Array(target * target);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      out[Math.floor(y / factor) * target + Math.floor(x / factor)] += grey[y * size + x];
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= factor * factor;
  return out;
}

const DCT_COS = (() => {
  const table = new Float64Array(DCT_KEEP * DCT_SIZE);
  for (let u = 0; u < DCT_KEEP; u++) {
    for (let x = 0; x < DCT_SIZE; x++) table[u * DCT_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * DCT_SIZE));
  }
  return table;
})();

/** The low-frequency corner of a 2-D DCT-II, computed separably; coefficient (0,0) is dropped. */
function dctLayout(grey: Float32Array): Float32Array {
  const rows = new Float64Array(DCT_SIZE * DCT_KEEP);
  for (let y = 0; y < DCT_SIZE; y++) {
    for (let u = 0; u < DCT_KEEP; u++) {
      let sum = 0;
      for (let x = 0; x < DCT_SIZE; x++) sum += grey[y * DCT_SIZE + x] * DCT_COS[u * DCT_SIZE + x];
      rows[y * DCT_KEEP + u] = sum;
    }
  }
  const out = new Float32Array(LAYOUT_DIM);
  let k = 0;
  for (let v = 0; v < DCT_KEEP; v++) {
    for (let u = 0; u < DCT_KEEP; u++) {
      if (u === 0 && v === 0) continue;
      let sum = 0;
      for (let y = 0; y < DCT_SIZE; y++) sum += rows[y * DCT_KEEP + u] * DCT_COS[v * DCT_SIZE + y];
      out[k++] = sum;
    }
  }
  return out;
}

function edgeOrientations(grey: Float32Array, size: number): Float32Array {
  const hist = new Float32Array(EDGE_DIM);
  const cell = size / EDGE_GRID;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const at = (dy: number, dx: number): number => grey[(y + dy) * size + x + dx];
      const gx = at(-1, 1) + 2 * at(0, 1) + at(1, 1) - at(-1, -1) - 2 * at(0, -1) - at(1, -1);
      const gy = at(1, -1) + 2 * at(1, 0) + at(1, 1) - at(-1, -1) - 2 * at(-1, 0) - at(-1, 1);
      const magnitude = Math.hypot(gx, gy);
      if (magnitude < 1e-3) continue;
      // Orientation without direction: a dark-to-light edge and a light-to-dark one count alike.
      let angle = Math.atan2(gy, gx);
      if (angle < 0) angle += Math.PI;
      const [b0, b1, bf] = softBins((angle / Math.PI) * EDGE_BINS, EDGE_BINS, true);
      const base = (Math.floor(y / cell) * EDGE_GRID + Math.floor(x / cell)) * EDGE_BINS;
      hist[base + b0] += magnitude * (1 - bf);
      hist[base + b1] += magnitude * bf;
    }
  }
  for (let i = 0; i < hist.length; i++) hist[i] = Math.sqrt(hist[i]);
  return hist;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
