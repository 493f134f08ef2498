import type { StoragePart } from '#database';

/**
 * The storage contract of the vector service. Two implementations: `UsearchBackend` (embedded,
 * in-process HNSW persisted to the data directory) and `MilvusBackend` (production). Both pass the
 * same contract suite (`apps/vector/test/vector-backend.contract.ts`).
 */

export const VECTOR_KINDS = ['text', 'image', 'video', 'article'] as const;
/** `article` marks an article's representative vector; the others are its parts. */
export type VectorKind = (typeof VECTOR_KINDS)[number];

/** Numbers of one embedding model. Vectors of two models never share a space. */
export interface VectorSpace {
  /** `<modality>__<model id>__<dim>`, e.g. `text__hash-ngram-v1__384` (see `spaceName`). */
  name: string;
  dim: number;
  metric: 'cosine';
}

export type VectorInput = Float32Array | readonly number[];

export interface VectorRow {
  /** The media or article it belongs to: `media:123`, `article:42`. */
  id: string;
  vector: VectorInput;
  articleId: number;
  category: string;
  source: string;
  kind: VectorKind;
  createdAt: Date;
}

export interface VectorFilter {
  category?: string;
  kinds?: readonly VectorKind[];
  /** Inclusive lower bound on `createdAt`. */
  since?: Date;
  /** Exclusive upper bound on `createdAt`. */
  until?: Date;
  /** Leaves out every vector of this article (e.g. "similar articles, not this one"). */
  articleIdNot?: number;
}

export interface SearchOptions {
  k: number;
  filter?: VectorFilter;
}

export interface VectorMeta {
  id: string;
  articleId: number;
  category: string;
  source: string;
  kind: VectorKind;
  createdAt: Date;
}

export interface VectorHit extends VectorMeta {
  /** Cosine similarity to the query, in [-1, 1]; higher is closer. */
  score: number;
}

export interface StoredVector extends VectorMeta {
  /** L2-normalised as stored. */
  vector: Float32Array;
}

export interface VectorBackend {
  readonly backendName: 'usearch' | 'milvus';
  /** Creates the space if missing; fails with `VectorSpaceMismatchError` if it exists with another dim. */
  ensureSpace(space: VectorSpace): Promise<void>;
  /** Inserts or replaces by id (creating the space if needed); vectors are L2-normalised first. */
  upsert(space: VectorSpace, rows: readonly VectorRow[]): Promise<{ upserted: number }>;
  /** Removes by id; ids that are absent are ignored. */
  delete(space: VectorSpace, ids: readonly string[]): Promise<{ deleted: number }>;
  /** Nearest neighbours by cosine similarity, best first, at most `k`. */
  search(space: VectorSpace, vector: VectorInput, options: SearchOptions): Promise<VectorHit[]>;
  /** Stored rows for the ids that exist, in the order asked. */
  get(space: VectorSpace, ids: readonly string[]): Promise<StoredVector[]>;
  /** Exact number of rows in the space (0 for a space never created). */
  count(space: VectorSpace): Promise<number>;
  /** Removes the space and all its vectors (retiring a model; test clean-up). */
  dropSpace(space: VectorSpace): Promise<void>;
  /** What the store occupies, for the storage cap (`vector.storage.size.v1`); estimates say so. */
  storageSize(): Promise<StoragePart[]>;
  close(): Promise<void>;
}

/** Injection token for the configured backend (an interface cannot be one). */
export const VECTOR_BACKEND = Symbol('VECTOR_BACKEND');

/** The canonical space name of a model: `spaceName('text', 'hash-ngram-v1', 384)`. */
export function spaceName(modality: string, modelId: string, dim: number): string {
  return `${modality}__${modelId}__${dim}`;
}

export function cosineSpace(name: string, dim: number): VectorSpace {
  return { name, dim, metric: 'cosine' };
}
