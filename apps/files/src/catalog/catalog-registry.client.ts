import { CatalogFilePurgedV1, CatalogFileRegisterV1, CatalogRetentionPlanV1 } from '#contracts';
import type { RequestFn } from '#files-client';
import { contentTypeOf } from '../storage/content-type.js';
import { articleIdOf, fileClassOf, parseKey } from '../storage/key-layout.js';
import type { WriteResult } from '../storage/file-store.js';
import type { PurgeReason, RetentionCandidate } from '../retention/retention.sweeper.js';

/** The catalog's file registry, as the files service uses it (register, plan, purged). */
export class CatalogRegistryClient {
  constructor(
    private readonly request: RequestFn,
    readonly enabled: boolean,
  ) {}

  /** Idempotent: the catalog keys rows by file key, so a repeated upload registers once. */
  async register(result: WriteResult): Promise<void> {
    if (!this.enabled) return;
    const parsed = parseKey(result.key);
    await this.request(CatalogFileRegisterV1, {
      key: result.key,
      bytes: result.bytes,
      sha256: result.sha256,
      contentType: contentTypeOf(parsed.name),
      fileClass: fileClassOf(parsed),
      articleId: articleIdOf(parsed),
    });
  }

  async plan(request: { bytesToFree: number; minAgeSeconds: number; limit: number }): Promise<{ candidates: RetentionCandidate[] }> {
    return this.request(CatalogRetentionPlanV1, request);
  }

  async purged(purge: { key: string; reason: PurgeReason; purgedAt: string }): Promise<void> {
    await this.request(CatalogFilePurgedV1, purge);
  }
}
