import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertedId } from '../database/insert-id.js';
import { ChannelEntity } from '../entities/channel.entity.js';
import { MetricDailyEntity } from '../entities/metric-daily.entity.js';
import { QuotaLedgerEntity } from '../entities/quota-ledger.entity.js';
import { UploadEntity } from '../entities/upload.entity.js';

/** Channels, quota ledger, uploads and daily analytics rows of the publisher and metrics stages. */
@Injectable()
export class PublisherRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get channels() {
    return this.dataSource.getRepository(ChannelEntity);
  }

  private get ledger() {
    return this.dataSource.getRepository(QuotaLedgerEntity);
  }

  private get uploads() {
    return this.dataSource.getRepository(UploadEntity);
  }

  private get daily() {
    return this.dataSource.getRepository(MetricDailyEntity);
  }

  channel(platform: string, name: string): Promise<ChannelEntity | null> {
    return this.channels.findOneBy({ platform, name });
  }

  channelById(id: number): Promise<ChannelEntity | null> {
    return this.channels.findOneBy({ id });
  }

  async insertChannel(fields: Omit<ChannelEntity, 'id'>): Promise<ChannelEntity> {
    const id = insertedId(await this.channels.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async updateChannel(id: number, patch: Partial<Omit<ChannelEntity, 'id'>>): Promise<void> {
    await this.channels.createQueryBuilder().update().set(patch).where('id = :id', { id }).execute();
  }

  ledgerRow(channelId: number, quotaDay: string, bucket: string): Promise<QuotaLedgerEntity | null> {
    return this.ledger.findOneBy({ channelId, quotaDay, bucket });
  }

  ledgerDay(channelId: number, quotaDay: string): Promise<QuotaLedgerEntity[]> {
    return this.ledger.find({ where: { channelId, quotaDay }, order: { bucket: 'ASC' } });
  }

  async insertLedger(fields: Omit<QuotaLedgerEntity, 'id'>): Promise<QuotaLedgerEntity> {
    const id = insertedId(await this.ledger.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  /** Adds `units` only while the sum stays within `limit`: one statement, so concurrent replicas cannot overdraw. */
  async drawUnits(id: number, units: number, limit: number, at: Date): Promise<boolean> {
    const result = await this.ledger
      .createQueryBuilder()
      .update()
      .set({ units: () => `units + ${Math.trunc(units)}`, updatedAt: at })
      .where('id = :id AND units + :units <= :limit', { id, units, limit })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async exhaustUnits(id: number, limit: number, at: Date): Promise<void> {
    await this.ledger.createQueryBuilder().update().set({ units: limit, updatedAt: at }).where('id = :id AND units < :limit', { id, limit }).execute();
  }

  upload(editId: number, platform: string): Promise<UploadEntity | null> {
    return this.uploads.findOneBy({ editId, platform });
  }

  uploadById(id: number): Promise<UploadEntity | null> {
    return this.uploads.findOneBy({ id });
  }

  async insertUpload(fields: Omit<UploadEntity, 'id'>): Promise<UploadEntity> {
    const id = insertedId(await this.uploads.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }

  async updateUpload(id: number, patch: Partial<Omit<UploadEntity, 'id'>>): Promise<void> {
    await this.uploads.createQueryBuilder().update().set(patch).where('id = :id', { id }).execute();
  }

  dailyRow(publicationId: number, day: string): Promise<MetricDailyEntity | null> {
    return this.daily.findOneBy({ publicationId, day });
  }

  async insertDaily(fields: Omit<MetricDailyEntity, 'id'>): Promise<MetricDailyEntity> {
    const id = insertedId(await this.daily.createQueryBuilder().insert().values(fields).execute());
    return { id, ...fields };
  }
}
