import { prng } from '#testing';

export { prng };
import type { VectorKind, VectorRow, VectorSpace } from '../src/backends/vector-backend.js';
import { dot, normalize } from '../src/backends/vector-math.js';

export function randomVector(random: () => number, dim: number): Float32Array {
  const vector = new Float32Array(dim);
  for (let i = 0; i < dim; i++) vector[i] = random() * 2 - 1;
  return vector;
}

let counter = 0;
/** A space name no other run or test uses: model ids carry the pid, a clock and a counter. */
export function uniqueSpace(modality: string, dim: number): VectorSpace {
  counter += 1;
  const model = `contract-${process.pid}-${Date.now().toString(36)}-${counter}`;
  return { name: `${modality}__${model}__${dim}`, dim, metric: 'cosine' };
}

export const CATEGORIES = ['life', 'economy', 'gossip'] as const;
export const PART_KINDS: readonly VectorKind[] = ['text', 'image', 'video'];
export const DAY = 24 * 60 * 60 * 1000;
export const EPOCH = Date.UTC(2025, 0, 1);

/** `count` rows spread over categories, kinds, ten days and a handful of articles. */
export function makeRows(seed: number, dim: number, count: number, prefix = 'media'): VectorRow[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}:${i}`,
    vector: randomVector(random, dim),
    articleId: 1000 + (i % 17),
    category: CATEGORIES[i % CATEGORIES.length]!,
    source: `source-${i % 5}`,
    kind: PART_KINDS[i % PART_KINDS.length]!,
    createdAt: new Date(EPOCH + (i % 10) * DAY + i),
  }));
}

export interface ReferenceFilter {
  category?: string;
  kinds?: readonly VectorKind[];
  since?: Date;
  until?: Date;
  articleIdNot?: number;
}

/** The exact answer a backend should give: brute force over the rows the test wrote. */
export function exactTopK(rows: readonly VectorRow[], query: ArrayLike<number>, k: number, filter: ReferenceFilter = {}): string[] {
  const q = normalize(query);
  return rows
    .filter((row) => filter.category === undefined || row.category === filter.category)
    .filter((row) => filter.kinds === undefined || filter.kinds.includes(row.kind))
    .filter((row) => filter.since === undefined || row.createdAt.getTime() >= filter.since.getTime())
    .filter((row) => filter.until === undefined || row.createdAt.getTime() < filter.until.getTime())
    .filter((row) => filter.articleIdNot === undefined || row.articleId !== filter.articleIdNot)
    .map((row) => ({ id: row.id, score: dot(q, normalize(row.vector)) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.id);
}
