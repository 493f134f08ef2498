import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { EditEntity } from '../entities/edit.entity.js';
import { MetricSnapshotEntity } from '../entities/metric-snapshot.entity.js';
import { PublicationEntity } from '../entities/publication.entity.js';
import { VideoEntity } from '../entities/video.entity.js';

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

  snapshotAt(publicationId: number, capturedAt: Date): Promise<MetricSnapshotEntity | null> {
    return this.metrics.findOneBy({ publicationId, capturedAt });
  }

  listSnapshots(publicationId: number): Promise<MetricSnapshotEntity[]> {
    return this.metrics.find({ where: { publicationId }, order: { capturedAt: 'ASC' } });
  }

  async insertSnapshot(fields: Omit<MetricSnapshotEntity, 'id'>): Promise<MetricSnapshotEntity> {
    const id = insertedId(await this.metrics.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
