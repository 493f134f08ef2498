/** Scales in place to unit L2 norm; an all-zero vector stays zero (nothing to point anywhere). */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  return vector;
}

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`dot: vectors of ${a.length} and ${b.length} dims`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Mean of unit vectors, re-normalised: the pooled vector of a long text or of a video's frames. */
export function meanPool(vectors: readonly Float32Array[], dim: number): Float32Array {
  const pooled = new Float32Array(dim);
  for (const vector of vectors) {
    if (vector.length !== dim) throw new Error(`meanPool: a ${vector.length}-dim vector among ${dim}-dim ones`);
    for (let i = 0; i < dim; i++) pooled[i] += vector[i];
  }
  return l2Normalise(pooled);
}
