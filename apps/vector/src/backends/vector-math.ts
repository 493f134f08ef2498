import type { VectorInput, VectorKind } from './vector-backend.js';
import { VectorInputError } from './vector.errors.js';

/** Below this length a vector has no direction worth comparing (all zeros, underflow). */
const MIN_NORM = 1e-12;

export function l2Norm(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}

/** A new unit-length Float32Array; rejects NaN/Infinity and zero vectors (cosine is undefined there). */
export function normalize(vector: ArrayLike<number>, what = 'vector'): Float32Array {
  const out = new Float32Array(vector.length);
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i]!;
    if (!Number.isFinite(value)) throw new VectorInputError(`${what} has a non-finite value at index ${i}`);
    out[i] = value;
    sum += value * value;
  }
  const norm = Math.sqrt(sum);
  if (norm < MIN_NORM) throw new VectorInputError(`${what} is a zero vector; cosine similarity is undefined for it`);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export interface RepresentativePart {
  kind: Exclude<VectorKind, 'article'>;
  vector: VectorInput;
}

/**
 * The representative vector of one article within one space: the mean of its normalised part
 * vectors, re-normalised. normalize(Σ v̂ᵢ) is the unit vector with the largest total cosine
 * similarity to the parts, and normalising each part first keeps one part with a large norm from
 * outweighing the others. An article with a single part (text only, no image or video) gets that
 * part's vector. See docs/vector.md.
 */
export function representativeVector(parts: readonly RepresentativePart[]): Float32Array {
  if (parts.length === 0) throw new VectorInputError('representativeVector needs at least one part vector');
  const dim = parts[0]!.vector.length;
  const sum = new Float64Array(dim);
  for (const [index, part] of parts.entries()) {
    if ((part.kind as VectorKind) === 'article') {
      throw new VectorInputError('representativeVector takes part vectors (text, image, video), not a representative');
    }
    if (part.vector.length !== dim) {
      throw new VectorInputError(
        `part ${index} has ${part.vector.length} dimensions, part 0 has ${dim}; parts must come from one space`,
      );
    }
    const unit = normalize(part.vector, `part ${index} (${part.kind})`);
    for (let i = 0; i < dim; i++) sum[i]! += unit[i]!;
  }
  if (l2Norm(sum) / parts.length < 1e-6) {
    // Parts that cancel out have no mean direction; the text (what the article says) stands in.
    const fallback = parts.find((part) => part.kind === 'text') ?? parts[0]!;
    return normalize(fallback.vector);
  }
  return normalize(sum);
}
