import { createHash } from 'node:crypto';

/**
 * Text identity for de-duplication. The content hash is exact on the normalised text (case,
 * Unicode form, whitespace and punctuation do not count), so a re-encoded or re-templated copy of
 * a page is the same content. SimHash is for near-duplicates (a syndicated copy with a new title
 * line or a changed word): 64 bits over the words and word pairs of the text, weighted by count,
 * compared by Hamming distance. Words and pairs rather than longer shingles: on a 200-word news
 * text one edited word moves 3-word shingles' SimHash by about 6 bits, words and pairs by about 2,
 * while unrelated texts stay 20 or more bits apart (figures in docs/scraper.md).
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function contentHash(text: string): string {
  return createHash('sha256').update(normaliseText(text), 'utf8').digest('hex');
}

const FEATURE_SIZES = [1, 2];

export function tokens(text: string): string[] {
  const normal = normaliseText(text);
  return normal ? normal.split(' ') : [];
}

/** 64-bit SimHash as a bigint; 0n for an empty text. */
export function simhash(text: string): bigint {
  const words = tokens(text);
  if (words.length === 0) return 0n;
  const weights = new Map<string, number>();
  for (const n of FEATURE_SIZES) {
    for (let i = 0; i + n <= words.length; i++) {
      const feature = words.slice(i, i + n).join(' ');
      weights.set(feature, (weights.get(feature) ?? 0) + 1);
    }
  }
  const sums = new Float64Array(64);
  for (const [feature, weight] of weights) {
    const digest = createHash('md5').update(feature, 'utf8').digest();
    const hi = digest.readUInt32BE(0);
    const lo = digest.readUInt32BE(4);
    for (let bit = 0; bit < 32; bit++) {
      sums[bit] += (hi >>> bit) & 1 ? weight : -weight;
      sums[32 + bit] += (lo >>> bit) & 1 ? weight : -weight;
    }
  }
  let hash = 0n;
  for (let bit = 0; bit < 64; bit++) if (sums[bit]! > 0) hash |= 1n << BigInt(bit);
  return hash;
}

export function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}

export function simhashHex(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}
