import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { ChannelEntity } from '../entities/channel.entity.js';
import { EditEntity } from '../entities/edit.entity.js';
import { MetricSnapshotEntity } from '../entities/metric-snapshot.entity.js';
import { PublicationEntity } from '../entities/publication.entity.js';
import { VideoEntity } from '../entities/video.entity.js';
import { dialectOf, refreshPublicationViews } from '../report-views.js';

@Injectable()
export class PublicationRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(PublicationEntity);
  }

  private get metrics() {
    return this.dataSource.getRepository(MetricSnapshotEntity);
  }

  byId(id: number): Promise<PublicationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  byExternalId(platform: string, externalId: string): Promise<PublicationEntity | null> {
    return this.repo.findOneBy({ platform, externalId });
  }

  async insert(fields: Omit<PublicationEntity, 'id'>): Promise<PublicationEntity> {
    const id = insertedId(await this.repo.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /** Whether a stored file key is an edit or a generated video that has been published somewhere. */
  async isPublishedFileKey(fileKey: string): Promise<boolean> {
    const viaEdit = await this.repo
      .createQueryBuilder('p')
      .innerJoin(EditEntity, 'e', 'e.id = p.edit_id')
      .where('e.file_key = :fileKey', { fileKey })
      .getExists();
    if (viaEdit) return true;
    return this.repo
      .createQueryBuilder('p')
      .innerJoin(EditEntity, 'e', 'e.id = p.edit_id')
      .innerJoin(VideoEntity, 'v', 'v.id = e.video_id')
      .where('v.file_key = :fileKey', { fileKey })
      .getExists();
  }

  /** The channel row of an account on a platform, when the publisher keeps one. */
  async channelIdOf(platform: string, account: string): Promise<number | null> {
    const row = await this.dataSource.getRepository(ChannelEntity).findOneBy({ platform, name: account });
    return row?.id ?? null;
  }

  async updateStatus(
    id: number,
    patch: Pick<PublicationEntity, 'uploadStatus' | 'rejectionReason' | 'statusCheckedAt'> & Partial<Pick<PublicationEntity, 'privacyStatus'>>,
  ): Promise<void> {
    await this.repo.createQueryBuilder().update().set(patch).where('id = :id', { id }).execute();
  }

  snapshotAtSlot(publicationId: number, slotAt: Date): Promise<MetricSnapshotEntity | null> {
    return this.metrics.findOneBy({ publicationId, slotAt });
  }

  snapshotAt(publicationId: number, capturedAt: Date): Promise<MetricSnapshotEntity | null> {
    return this.metrics.findOneBy({ publicationId, capturedAt });
  }

  /** The latest `limit` snapshots, oldest first. */
  async latestSnapshots(publicationId: number, limit: number): Promise<MetricSnapshotEntity[]> {
    if (limit === 0) return [];
    const rows = await this.metrics.find({ where: { publicationId }, order: { capturedAt: 'DESC' }, take: limit });
    return rows.reverse();
  }

  /** Newest first by (published_at, id), served by the index of the same columns. */
  list(query: { platform: string | null; from: Date; to: Date; limit: number; after: { at: Date; id: number } | null }): Promise<PublicationEntity[]> {
    const qb = this.repo
      .createQueryBuilder('p')
      .where('p.published_at >= :from AND p.published_at < :to', { from: query.from, to: query.to })
      .orderBy('p.published_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(query.limit);
    if (query.platform) qb.andWhere('p.platform = :platform', { platform: query.platform });
    if (query.after) {
      qb.andWhere('(p.published_at < :afterAt OR (p.published_at = :afterAt AND p.id < :afterId))', { afterAt: query.after.at, afterId: query.after.id });
    }
    return qb.getMany();
  }

  async insertSnapshot(fields: Omit<MetricSnapshotEntity, 'id'>): Promise<MetricSnapshotEntity> {
    const id = insertedId(await this.metrics.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /** The report's per-publication summary (`publication_views`), recomputed from the publication's snapshots. */
  refreshViews(publicationId: number): Promise<void> {
    return refreshPublicationViews(this.dataSource, dialectOf(this.dataSource.options.type), [publicationId]);
  }
}
