import type { RequestOf, ResponseOf, VectorFilterV1, VectorHitV1, VectorRowV1 } from '#contracts';
import {
  VectorCountV1,
  VectorDeleteV1,
  VectorGetV1,
  VectorSearchV1,
  VectorSimilarV1,
  VectorSpaceV1,
  VectorUpsertV1,
} from '#contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  cosineSpace,
  VECTOR_BACKEND,
  type VectorBackend,
  type VectorFilter,
  type VectorHit,
  type VectorSpace,
} from './backends/vector-backend.js';

type SpaceV1 = z.infer<typeof VectorSpaceV1>;
type FilterV1 = z.infer<typeof VectorFilterV1>;

/** The id under which the embedder stores an article's representative vector. */
export function articleVectorId(articleId: number): string {
  return `article:${articleId}`;
}

/** "Similar to this article" found nothing to start from; the controller answers `not-found`. */
export class ArticleVectorNotFoundError extends Error {
  override readonly name = 'ArticleVectorNotFoundError';
}

/**
 * The vector API in contract terms: ISO times and plain arrays outside, Dates and Float32Arrays
 * towards the backend. Which backend (usearch or Milvus) is the module's choice, not this class's.
 */
@Injectable()
export class VectorService {
  constructor(@Inject(VECTOR_BACKEND) private readonly backend: VectorBackend) {}

  get backendName(): string {
    return this.backend.backendName;
  }

  async upsert(request: RequestOf<typeof VectorUpsertV1>): Promise<ResponseOf<typeof VectorUpsertV1>> {
    const rows = request.rows.map((row: VectorRowV1) => ({ ...row, createdAt: new Date(row.createdAt) }));
    return this.backend.upsert(space(request.space), rows);
  }

  async delete(request: RequestOf<typeof VectorDeleteV1>): Promise<ResponseOf<typeof VectorDeleteV1>> {
    return this.backend.delete(space(request.space), request.ids);
  }

  async search(request: RequestOf<typeof VectorSearchV1>): Promise<ResponseOf<typeof VectorSearchV1>> {
    const hits = await this.backend.search(space(request.space), request.vector, { k: request.k, filter: filter(request.filter) });
    return { hits: hits.map(hitV1) };
  }

  async get(request: RequestOf<typeof VectorGetV1>): Promise<ResponseOf<typeof VectorGetV1>> {
    const rows = await this.backend.get(space(request.space), request.ids);
    return {
      rows: rows.map((row) => ({
        id: row.id,
        vector: Array.from(row.vector),
        articleId: row.articleId,
        category: row.category,
        source: row.source,
        kind: row.kind,
        createdAt: row.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Searches with the article's representative vector (`article:<id>`) and leaves the article's
   * own vectors out. Without a `kinds` filter only representatives are searched, so each hit is
   * one other article rather than one of its images.
   */
  async similar(request: RequestOf<typeof VectorSimilarV1>): Promise<ResponseOf<typeof VectorSimilarV1>> {
    const target = space(request.space);
    const [own] = await this.backend.get(target, [articleVectorId(request.articleId)]);
    if (!own) {
      throw new ArticleVectorNotFoundError(
        `article ${request.articleId} has no representative vector (${articleVectorId(request.articleId)}) in space ` +
          `${target.name}: it is not embedded yet, or it was embedded into another space`,
      );
    }
    const given = filter(request.filter) ?? {};
    const hits = await this.backend.search(target, own.vector, {
      k: request.k,
      filter: { ...given, kinds: given.kinds ?? ['article'], articleIdNot: request.articleId },
    });
    return { hits: hits.map(hitV1) };
  }

  async count(request: RequestOf<typeof VectorCountV1>): Promise<ResponseOf<typeof VectorCountV1>> {
    return { count: await this.backend.count(space(request.space)) };
  }
}

function space(input: SpaceV1): VectorSpace {
  return cosineSpace(input.name, input.dim);
}

function filter(input: FilterV1 | undefined): VectorFilter | undefined {
  if (!input) return undefined;
  const out: VectorFilter = {};
  if (input.category !== undefined) out.category = input.category;
  if (input.kinds !== undefined) out.kinds = input.kinds;
  if (input.since !== undefined) out.since = new Date(input.since);
  if (input.until !== undefined) out.until = new Date(input.until);
  if (input.articleIdNot !== undefined) out.articleIdNot = input.articleIdNot;
  return out;
}

function hitV1(hit: VectorHit): VectorHitV1 {
  return {
    id: hit.id,
    score: hit.score,
    articleId: hit.articleId,
    category: hit.category,
    source: hit.source,
    kind: hit.kind,
    createdAt: hit.createdAt.toISOString(),
  };
}
