import type { ExternalTrendItemV1 } from '#contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { isUniqueViolation } from './database/db-errors.js';
import { insertOnce } from './database/insert-once.js';
import { insertedId } from './database/insert-id.js';
import { ExternalTrendItemEntity, ExternalTrendSnapshotEntity } from './entities/external-trend.entities.js';

interface RecordRequest {
  source: string;
  region: string;
  fetchedAt: string;
  status: 'ok' | 'failed';
  error: string | null;
  standIn: boolean;
  items: ExternalTrendItemV1[];
}

/** Snapshots of external trend sources (Google Trends RSS, Naver DataLab), one per fetch. */
@Injectable()
export class ExternalTrendService {
  constructor(private readonly dataSource: DataSource) {}

  async record(request: RecordRequest): Promise<{ snapshotId: number; created: boolean }> {
    const snapshots = this.dataSource.getRepository(ExternalTrendSnapshotEntity);
    const fetchedAt = new Date(request.fetchedAt);
    const key = { source: request.source, region: request.region, fetchedAt };
    const { row, created } = await insertOnce(
      () => snapshots.findOneBy(key),
      async () => {
        const fields = {
          ...key,
          status: request.status,
          error: request.error?.slice(0, 1000) ?? null,
          itemCount: request.items.length,
          standIn: request.standIn,
          createdAt: new Date(),
        };
        return { id: insertedId(await snapshots.createQueryBuilder().insert().values(fields).execute()), ...fields };
      },
    );
    // Items go in after the snapshot row; a retry adds the positions a failed attempt left out.
    const items = this.dataSource.getRepository(ExternalTrendItemEntity);
    const have = new Set((await items.find({ select: { position: true }, where: { snapshotId: row.id } })).map((i) => i.position));
    const missing = request.items.filter((item) => !have.has(item.position));
    const rows = missing.map((item) => ({
          snapshotId: row.id,
          position: item.position,
          term: item.term.slice(0, 255),
          traffic: item.traffic,
          trafficMin: item.trafficMin,
          ratio: item.ratio,
          startedAt: item.startedAt ? new Date(item.startedAt) : null,
          detail: item.detail === null || item.detail === undefined ? null : JSON.stringify(item.detail).slice(0, 60_000),
        }));
    if (rows.length > 0) {
      try {
        await items.insert(rows);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another replica stored some of them meanwhile: add the rest one by one.
        for (const row of rows) {
          try {
            await items.insert(row);
          } catch (inner) {
            if (!isUniqueViolation(inner)) throw inner;
          }
        }
      }
    }
    return { snapshotId: row.id, created };
  }

  async list(since: string, until: string, source: string | undefined, limit: number) {
    const query = this.dataSource
      .getRepository(ExternalTrendSnapshotEntity)
      .createQueryBuilder('s')
      .where('s.fetched_at >= :since AND s.fetched_at < :until', { since: new Date(since), until: new Date(until) });
    if (source) query.andWhere('s.source = :source', { source });
    const snapshots = await query.orderBy('s.fetched_at', 'ASC').addOrderBy('s.id', 'ASC').take(limit).getMany();
    const items = snapshots.length === 0
      ? []
      : await this.dataSource.getRepository(ExternalTrendItemEntity).find({ where: { snapshotId: In(snapshots.map((s) => s.id)) }, order: { position: 'ASC' } });
    return snapshots.map((s) => ({
      snapshotId: s.id,
      source: s.source,
      region: s.region,
      fetchedAt: s.fetchedAt.toISOString(),
      status: s.status as 'ok' | 'failed',
      error: s.error,
      standIn: s.standIn,
      items: items
        .filter((i) => i.snapshotId === s.id)
        .map((i) => ({
          position: i.position,
          term: i.term,
          traffic: i.traffic,
          trafficMin: i.trafficMin,
          ratio: i.ratio,
          startedAt: i.startedAt?.toISOString() ?? null,
          detail: i.detail === null ? null : (JSON.parse(i.detail) as unknown),
        })),
    }));
  }
}
