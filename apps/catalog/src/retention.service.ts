import { APP_LOGGER } from '#messaging';
import type {
  CatalogFileHoldRequestV1,
  CatalogFileHoldResponseV1,
  CatalogFilePurgedRequestV1,
  CatalogFilePurgedResponseV1,
  CatalogFileRegisterRequestV1,
  CatalogFileRegisterResponseV1,
  CatalogRetentionPlanRequestV1,
  CatalogRetentionPlanResponseV1,
  FileClass,
} from '#contracts';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { CatalogError } from './catalog.errors.js';

import { isForeignKeyViolation } from './database/db-errors.js';
import { insertOnce } from './database/insert-once.js';
import { FileRegistryRepository } from './repositories/file-registry.repository.js';
import { PublicationRepository } from './repositories/publication.repository.js';

/** What `until: null` stores: DATETIME's last day, so holds compare as times on both dialects. */
export const HOLD_WITHOUT_END = new Date('9999-12-31T00:00:00.000Z');

/** Eviction ranks, in eviction order. Classes without a rank are never planned for eviction. */
export const EVICT_RANK = { publishedVideo: 0, scraped: 1 } as const;

export interface EvictionCandidate {
  key: string;
  bytes: number;
  reason: 'published' | 'age';
}

export interface CandidateScan {
  minAgeSeconds: number;
  now?: Date;
  /** Rows per keyset page; a few thousand keeps each query short and memory flat. */
  pageSize?: number;
}

function rankOf(fileClass: FileClass): number | null {
  if (fileClass === 'published-video') return EVICT_RANK.publishedVideo;
  if (fileClass === 'scraped') return EVICT_RANK.scraped;
  // generated-unpublished: the only copy of work not yet uploaded; other: nothing says it may go.
  return null;
}

/** The file registry and the planning half of retention (the files service deletes). */
@Injectable()
export class RetentionService {
  constructor(
    private readonly files: FileRegistryRepository,
    private readonly publications: PublicationRepository,
    @Inject(APP_LOGGER) private readonly logger: winston.Logger,
  ) {}

  async register(request: CatalogFileRegisterRequestV1): Promise<CatalogFileRegisterResponseV1> {
    let fileClass = request.fileClass;
    // A render registered after its publication was recorded is already published.
    if (fileClass === 'generated-unpublished' && (await this.publications.isPublishedFileKey(request.key))) fileClass = 'published-video';
    const now = new Date();
    const fields = {
      bytes: request.bytes,
      sha256: request.sha256,
      contentType: request.contentType,
      fileClass,
      evictRank: rankOf(fileClass),
      articleId: request.articleId ?? null,
      createdAt: now,
    };
    try {
      const { row, created } = await insertOnce(
        () => this.files.byKey(request.key),
        () => this.files.insert({ key: request.key, ...fields, heldUntil: null, purgedAt: null, purgeReason: null }),
      );
      if (!created && row.purgedAt !== null && (await this.files.revive(row.id, fields))) {
        this.logger.info(`file ${request.key} stored again after its purge: registry row ${row.id} is live again`);
      }
      return { fileId: row.id, created };
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new CatalogError('not-found', `article ${request.articleId} does not exist`);
      throw error;
    }
  }

  async hold(request: CatalogFileHoldRequestV1): Promise<CatalogFileHoldResponseV1> {
    const found = await this.files.byKeys([...new Set(request.keys)]);
    const now = new Date();
    // A release is a hold ending now or earlier: the row stays as history, rows are never deleted.
    const until = request.until === null ? HOLD_WITHOUT_END : new Date(request.until);
    await this.files.hold(
      found.map((f) => f.id),
      request.holder,
      until,
      now,
    );
    if (found.length < new Set(request.keys).size) {
      this.logger.warn(`hold by "${request.holder}": ${new Set(request.keys).size - found.length} of ${request.keys.length} keys are not registered`);
    }
    return { held: found.length };
  }

  async purged(request: CatalogFilePurgedRequestV1): Promise<CatalogFilePurgedResponseV1> {
    const updated = await this.files.markPurged(request.key, new Date(request.purgedAt), request.reason);
    if (!updated && !(await this.files.byKey(request.key))) {
      this.logger.warn(`purge of ${request.key} reported, but the key was never registered`);
    }
    return { updated };
  }

  async plan(request: CatalogRetentionPlanRequestV1): Promise<CatalogRetentionPlanResponseV1> {
    const candidates: EvictionCandidate[] = [];
    let plannedBytes = 0;
    const pageSize = Math.min(Math.max(request.limit, 100), 5000);
    for await (const candidate of this.candidates({ minAgeSeconds: request.minAgeSeconds, pageSize })) {
      candidates.push(candidate);
      plannedBytes += candidate.bytes;
      if (plannedBytes >= request.bytesToFree || candidates.length >= request.limit) break;
    }
    return { candidates, plannedBytes };
  }

  /**
   * Every eviction candidate in eviction order: files of published videos (any age, oldest
   * first), then scraped files older than the minimum age (oldest first). Held and purged files
   * and files of unpublished renders never appear. Rows come in keyset pages, so the caller can
   * stop at any point and memory stays at one page whatever the registry's size.
   */
  async *candidates(scan: CandidateScan): AsyncGenerator<EvictionCandidate> {
    const now = scan.now ?? new Date();
    const pageSize = scan.pageSize ?? 5000;
    const phases = [
      { rank: EVICT_RANK.publishedVideo, createdBefore: null, reason: 'published' as const },
      { rank: EVICT_RANK.scraped, createdBefore: new Date(now.getTime() - scan.minAgeSeconds * 1000), reason: 'age' as const },
    ];
    for (const phase of phases) {
      let after: { createdAt: unknown; id: number } | null = null;
      for (;;) {
        const page = await this.files.candidatePage({ rank: phase.rank, createdBefore: phase.createdBefore, now, after, limit: pageSize });
        for (const row of page) yield { key: row.key, bytes: row.bytes, reason: phase.reason };
        if (page.length < pageSize) break;
        const last = page[page.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
      }
    }
  }
}
