import {
  VectorCountV1,
  VectorDeleteV1,
  VectorGetV1,
  VectorSearchV1,
  VectorSimilarV1,
  VectorUpsertV1,
  type RequestOf,
  type ResponseOf,
} from '#contracts';
import { ExpectedError, OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import {
  VectorBackendClosedError,
  VectorInputError,
  VectorSpaceMismatchError,
  VectorStoreError,
  VectorStoreUnavailableError,
} from './backends/vector.errors.js';
import { ArticleVectorNotFoundError, VectorService } from './vector.service.js';

type Req<C> = RequestOf<C>;
type Res<C> = Promise<ResponseOf<C>>;

/**
 * Expected failures reach the caller with a stable code: `bad-request` (the caller's
 * RequestClient raises it as an InvalidMessageError), `space-mismatch` (a space name reused with
 * another dim: never retry), `not-found`, `unavailable` (the store is down: retry later) and
 * `store-failed` (the store refused). Anything else is a bug and goes out as `internal`.
 */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof VectorInputError) throw new ExpectedError('bad-request', error.message, { cause: error });
    if (error instanceof VectorSpaceMismatchError) throw new ExpectedError('space-mismatch', error.message, { cause: error });
    if (error instanceof ArticleVectorNotFoundError) throw new ExpectedError('not-found', error.message, { cause: error });
    if (error instanceof VectorStoreUnavailableError || error instanceof VectorBackendClosedError) {
      throw new ExpectedError('unavailable', error.message, { cause: error });
    }
    if (error instanceof VectorStoreError) throw new ExpectedError('store-failed', error.message, { cause: error });
    throw error;
  }
}

/** The vector service's request/reply API: one handler per contract. */
@Controller()
export class VectorController {
  constructor(private readonly vectors: VectorService) {}

  @OnRequest(VectorUpsertV1)
  upsert(request: Req<typeof VectorUpsertV1>): Res<typeof VectorUpsertV1> {
    return answer(() => this.vectors.upsert(request));
  }

  @OnRequest(VectorDeleteV1)
  delete(request: Req<typeof VectorDeleteV1>): Res<typeof VectorDeleteV1> {
    return answer(() => this.vectors.delete(request));
  }

  @OnRequest(VectorSearchV1)
  search(request: Req<typeof VectorSearchV1>): Res<typeof VectorSearchV1> {
    return answer(() => this.vectors.search(request));
  }

  @OnRequest(VectorGetV1)
  get(request: Req<typeof VectorGetV1>): Res<typeof VectorGetV1> {
    return answer(() => this.vectors.get(request));
  }

  @OnRequest(VectorSimilarV1)
  similar(request: Req<typeof VectorSimilarV1>): Res<typeof VectorSimilarV1> {
    return answer(() => this.vectors.similar(request));
  }

  @OnRequest(VectorCountV1)
  count(request: Req<typeof VectorCountV1>): Res<typeof VectorCountV1> {
    return answer(() => this.vectors.count(request));
  }
}
