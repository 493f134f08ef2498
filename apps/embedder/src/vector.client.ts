import { VectorUpsertV1, type VectorRowV1 } from '#contracts';
import { RequestClient } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import { STAGE_CONFIG, type StageConfig } from './embedder.config.js';
import type { SpaceRef } from './vector-spaces.js';

/** The contract's limit on rows per upsert request. */
const UPSERT_MAX_ROWS = 200;
/**
 * NATS refuses messages over 1 MB by default, and a float in JSON takes up to ~22 characters:
 * 200 rows of 512 dims would be 2 MB. Requests stay below this many bytes.
 */
const UPSERT_MAX_BYTES = 700_000;

/** The vector service as the embedder needs it: upserts by deterministic id. */
@Injectable()
export class VectorClient {
  constructor(
    private readonly requests: RequestClient,
    @Inject(STAGE_CONFIG) private readonly config: StageConfig,
  ) {}

  async upsert(space: SpaceRef, rows: VectorRowV1[]): Promise<number> {
    const batch = Math.max(1, Math.min(UPSERT_MAX_ROWS, Math.floor(UPSERT_MAX_BYTES / (space.dim * 22 + 400))));
    let upserted = 0;
    for (let start = 0; start < rows.length; start += batch) {
      const response = await this.requests.request(
        VectorUpsertV1,
        { space, rows: rows.slice(start, start + batch) },
        { timeoutMs: this.config.vectorTimeoutMs },
      );
      upserted += response.upserted;
    }
    return upserted;
  }
}
