import type { TextEmbedder } from './embedder.types.js';
import { l2Normalise, meanPool } from './vector.util.js';

export interface HashTextEmbedderOptions {
  /** Output dimensions; 512 by default. Another value is another space (the model id says which). */
  dim?: number;
  /** Long texts are cut into windows of about this many characters, embedded and mean-pooled. */
  chunkChars?: number;
  /** Characters shared by consecutive windows, so that no phrase is only ever seen cut in two. */
  chunkOverlap?: number;
}

export const HASH_TEXT_MODEL_ID = 'standin-hash-ngram-v1';
const DEFAULT_DIM = 512;
const MIN_GRAM = 2;
const MAX_GRAM = 4;
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;

/**
 * Stand-in text embedder: signed feature hashing of character 2- to 4-grams with sublinear term
 * frequency. Character n-grams need no tokenizer, which matters for Korean where particles and
 * endings are glued to the stem ("금리를", "금리는" share "금리"). It matches shared surface forms
 * only: no synonyms, no cross-language matches.
 */
export class HashTextEmbedder implements TextEmbedder {
  readonly modelId: string;
  readonly dim: number;
  readonly standIn = true;
  private readonly chunkChars: number;
  private readonly chunkOverlap: number;
  private readonly counter = new GramCounter();

  constructor(options: HashTextEmbedderOptions = {}) {
    this.dim = options.dim ?? DEFAULT_DIM;
    this.chunkChars = options.chunkChars ?? 1000;
    this.chunkOverlap = options.chunkOverlap ?? 200;
    if (!Number.isInteger(this.dim) || this.dim < 16) {
      throw new Error(`HashTextEmbedder: dim must be an integer >= 16, got ${this.dim}`);
    }
    if (this.chunkOverlap < 0 || this.chunkOverlap >= this.chunkChars) {
      throw new Error(
        `HashTextEmbedder: chunkOverlap (${this.chunkOverlap}) must be >= 0 and below chunkChars (${this.chunkChars})`,
      );
    }
    this.modelId = this.dim === DEFAULT_DIM ? HASH_TEXT_MODEL_ID : `${HASH_TEXT_MODEL_ID}-d${this.dim}`;
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedText(text));
  }

  /** Synchronous core, for callers that embed in a tight loop (the benchmark, tests). */
  embedText(text: string): Float32Array {
    if (typeof text !== 'string') throw new TypeError(`HashTextEmbedder: expected a string, got ${typeof text}`);
    const codePoints = normaliseText(text);
    const chunks = chunk(codePoints, this.chunkChars, this.chunkOverlap);
    if (chunks.length === 1) return l2Normalise(this.embedCodePoints(chunks[0]));
    return meanPool(
      chunks.map((part) => l2Normalise(this.embedCodePoints(part))),
      this.dim,
    );
  }

  private embedCodePoints(codePoints: Uint32Array): Float32Array {
    // Padding with a space gives word-initial and word-final grams at the text's edges too.
    const padded = new Uint32Array(codePoints.length + 2);
    padded[0] = 0x20;
    padded.set(codePoints, 1);
    padded[padded.length - 1] = 0x20;
    const counts = this.counter.reset(padded.length * (MAX_GRAM - MIN_GRAM + 1));
    for (let start = 0; start < padded.length - 1; start++) {
      let hash = FNV_OFFSET;
      const last = Math.min(padded.length, start + MAX_GRAM);
      for (let end = start; end < last; end++) {
        hash = Math.imul(hash ^ padded[end], FNV_PRIME);
        if (end - start + 1 < MIN_GRAM) continue;
        counts.add(fmix32(hash));
      }
    }
    const vector = new Float32Array(this.dim);
    counts.forEach((key, count) => {
      const weight = 1 + Math.log(count);
      const bucket = (key & 0x7fffffff) % this.dim;
      vector[bucket] += key < 0 ? -weight : weight;
    });
    return vector;
  }
}

/**
 * Counts 32-bit gram hashes in a reused open-addressing table: a Map allocates per entry and was
 * the main cost of a 3,000-character article.
 */
class GramCounter {
  private keys = new Int32Array(0);
  private counts = new Uint32Array(0);
  private slots = new Uint32Array(0);
  private used = 0;

  reset(maxEntries: number): this {
    const size = 2 ** Math.ceil(Math.log2(Math.max(64, maxEntries * 2)));
    if (size > this.keys.length) {
      this.keys = new Int32Array(size);
      this.counts = new Uint32Array(size);
      this.slots = new Uint32Array(size);
    } else {
      for (let i = 0; i < this.used; i++) this.counts[this.slots[i]] = 0;
    }
    this.used = 0;
    return this;
  }

  add(key: number): void {
    const mask = this.keys.length - 1;
    let slot = key & mask;
    for (;;) {
      if (this.counts[slot] === 0) {
        this.keys[slot] = key;
        this.counts[slot] = 1;
        this.slots[this.used++] = slot;
        return;
      }
      if (this.keys[slot] === key) {
        this.counts[slot]++;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  forEach(visit: (key: number, count: number) => void): void {
    for (let i = 0; i < this.used; i++) visit(this.keys[this.slots[i]], this.counts[this.slots[i]]);
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** MurmurHash3's finaliser: spreads FNV's weak low bits before the bucket and sign are taken. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** NFKC (full-width letters, compatibility jamo), lower case, every non-letter run one space. */
export function normaliseText(text: string): Uint32Array {
  const cleaned = text.normalize('NFKC').toLowerCase().replace(NON_WORD, ' ').trim();
  const codePoints = new Uint32Array(cleaned.length);
  let length = 0;
  for (const char of cleaned) codePoints[length++] = char.codePointAt(0)!;
  return codePoints.subarray(0, length);
}

/** Windows of about `size` code points overlapping by `overlap`, cut at a space where one is near. */
function chunk(codePoints: Uint32Array, size: number, overlap: number): Uint32Array[] {
  if (codePoints.length <= size) return [codePoints];
  const chunks: Uint32Array[] = [];
  let start = 0;
  for (;;) {
    let end = Math.min(codePoints.length, start + size);
    if (end < codePoints.length) {
      const floor = end - Math.floor(size / 10);
      for (let i = end; i > floor; i--) {
        if (codePoints[i] === 0x20) {
          end = i;
          break;
        }
      }
    }
    chunks.push(codePoints.subarray(start, end));
    if (end >= codePoints.length) return chunks;
    start = Math.max(start + 1, end - overlap);
  }
}
