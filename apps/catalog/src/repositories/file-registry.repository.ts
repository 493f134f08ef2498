import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { insertedId } from '../database/insert-id.js';
import { FileHoldEntity } from '../entities/file-hold.entity.js';
import { RegisteredFileEntity } from '../entities/registered-file.entity.js';

export type RegisteredFileFields = Omit<RegisteredFileEntity, 'id'>;

/** One row of the eviction scan. `createdAt` is the driver's raw value, handed back as the keyset cursor. */
export interface CandidateRow {
  id: number;
  key: string;
  bytes: number;
  createdAt: unknown;
}

export interface CandidatePageQuery {
  rank: number;
  /** Only rows created at or before this time (the minimum age); null for no limit. */
  createdBefore: Date | null;
  now: Date;
  after: { createdAt: unknown; id: number } | null;
  limit: number;
}

@Injectable()
export class FileRegistryRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(RegisteredFileEntity);
  }

  private get holds() {
    return this.dataSource.getRepository(FileHoldEntity);
  }

  byKey(key: string): Promise<RegisteredFileEntity | null> {
    return this.repo.findOneBy({ key });
  }

  byKeys(keys: string[]): Promise<RegisteredFileEntity[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ key: In(keys) });
  }

  async insert(fields: RegisteredFileFields): Promise<RegisteredFileEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /** A purged key stored again: the same row lives on with the new file's facts. */
  async revive(id: number, fields: Pick<RegisteredFileEntity, 'bytes' | 'sha256' | 'contentType' | 'fileClass' | 'evictRank' | 'articleId' | 'createdAt'>): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...fields, purgedAt: null, purgeReason: null })
      .where('id = :id AND purged_at IS NOT NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Marks a live file purged (the row stays); false when it was already purged or is unknown. */
  async markPurged(key: string, purgedAt: Date, reason: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ purgedAt, purgeReason: reason, evictRank: null })
      .where('file_key = :key AND purged_at IS NULL', { key })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The files of a published video become evictable first. */
  async markPublished(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ fileClass: 'published-video', evictRank: 0 })
      .where({ key: In(keys), purgedAt: IsNull() })
      .execute();
    return result.affected ?? 0;
  }

  /** Sets this holder's hold on each file, then the files' effective hold (the latest of all holders). */
  async hold(fileIds: number[], holder: string, until: Date, now: Date): Promise<void> {
    for (const fileId of fileIds) {
      const updated = await this.holds
        .createQueryBuilder()
        .update()
        .set({ heldUntil: until, updatedAt: now })
        .where('file_id = :fileId AND holder = :holder', { fileId, holder })
        .execute();
      if ((updated.affected ?? 0) > 0) continue;
      try {
        await this.holds.createQueryBuilder().insert().values({ fileId, holder, heldUntil: until, updatedAt: now }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await this.holds.createQueryBuilder().update().set({ heldUntil: until, updatedAt: now }).where('file_id = :fileId AND holder = :holder', { fileId, holder }).execute();
      }
    }
    if (fileIds.length === 0) return;
    // One statement recomputes from the hold rows, so concurrent holders cannot overwrite each other's hold.
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ heldUntil: () => '(SELECT MAX(h.held_until) FROM file_hold h WHERE h.file_id = file_registry.id)' })
      .where({ id: In(fileIds) })
      .execute();
  }

  /**
   * One page of eviction candidates of a rank, oldest first, after the keyset cursor. The WHERE and
   * ORDER BY follow the index (evict_rank, created_at, id), so each page is a short index range
   * scan however large the registry or its purged history grows.
   */
  async candidatePage(query: CandidatePageQuery): Promise<CandidateRow[]> {
    const qb = this.repo
      .createQueryBuilder('f')
      .select('f.id', 'id')
      .addSelect('f.file_key', 'file_key')
      .addSelect('f.bytes', 'bytes')
      .addSelect('f.created_at', 'created_at')
      .where('f.evict_rank = :rank', { rank: query.rank })
      .andWhere('(f.held_until IS NULL OR f.held_until <= :now)', { now: query.now })
      .orderBy('f.created_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(query.limit);
    if (query.createdBefore) qb.andWhere('f.created_at <= :createdBefore', { createdBefore: query.createdBefore });
    if (query.after) {
      qb.andWhere('(f.created_at > :afterAt OR (f.created_at = :afterAt AND f.id > :afterId))', {
        afterAt: query.after.createdAt,
        afterId: query.after.id,
      });
    }
    const rows = await qb.getRawMany<{ id: number | string; file_key: string; bytes: number | string; created_at: unknown }>();
    return rows.map((r) => ({ id: Number(r.id), key: r.file_key, bytes: Number(r.bytes), createdAt: r.created_at }));
  }
}
