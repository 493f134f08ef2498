import { FilePurgedV1, type FileRole, type FilesUsageResponseV1 } from '#contracts';
import { signFilesToken, signUploadGrant, verifyFilesToken, verifyUploadGrant } from '#files-client';
import { EventPublisher, APP_LOGGER } from '#messaging';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'winston';
import { CatalogRegistryClient } from './catalog/catalog-registry.client.js';
import { FILES_CONFIG, type FilesConfig } from './files.config.js';
import { FilesHttpServer } from './http/files.http-server.js';
import { DatabaseSizes } from './retention/database-sizes.js';
import { RetentionSweeper } from './retention/retention.sweeper.js';
import { VolumeMeter } from './retention/volume.meter.js';
import { FileStore } from './storage/file-store.js';

/** Runs the bytes API and the retention sweeper for the lifetime of the app. */
@Injectable()
export class FilesService implements OnModuleInit, OnModuleDestroy {
  /** The volume alone: what a writer can still get (no NATS round trip on the upload path). */
  readonly meter: VolumeMeter;
  /** The volume against the cap minus the databases: what retention decides on. */
  readonly budget: VolumeMeter;
  /** The same figures for readers (files.usage.v1, /metrics): never waits on a slow owner once sizes are known. */
  private readonly report: VolumeMeter;
  readonly sweeper: RetentionSweeper;
  readonly http: FilesHttpServer;
  private tempTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(FILES_CONFIG) private readonly config: FilesConfig,
    @Inject(FileStore) readonly store: FileStore,
    @Inject(CatalogRegistryClient) private readonly registry: CatalogRegistryClient,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(DatabaseSizes) readonly databases: DatabaseSizes,
  ) {
    this.meter = new VolumeMeter(store.root, config.FILES_CAPACITY_BYTES);
    this.budget = new VolumeMeter(store.root, config.FILES_CAPACITY_BYTES, databases);
    this.report = new VolumeMeter(store.root, config.FILES_CAPACITY_BYTES, { current: () => databases.latest() });
    this.sweeper = new RetentionSweeper(
      {
        meter: this.budget,
        plan: (request) => registry.plan(request),
        remove: (key) => store.remove(key),
        reportPurged: (purge) => registry.purged(purge),
        publishPurged: async (purge) => {
          await this.publisher.publish(FilePurgedV1, purge, { key: `purged:${purge.key}` });
        },
      },
      {
        highWatermark: config.FILES_HIGH_WATERMARK,
        lowWatermark: config.FILES_LOW_WATERMARK,
        minAgeSeconds: config.FILES_SCRAPED_MIN_AGE_SECONDS,
        batch: config.FILES_SWEEP_BATCH,
        intervalMs: config.FILES_SWEEP_INTERVAL_MS,
      },
      logger,
    );
    this.http = new FilesHttpServer(
      store,
      {
        host: config.FILES_HTTP_HOST,
        port: config.FILES_HTTP_PORT,
        idleTimeoutMs: config.FILES_IDLE_TIMEOUT_MS,
        headersTimeoutMs: config.FILES_HEADERS_TIMEOUT_MS,
        bodyTimeoutMs: config.FILES_BODY_TIMEOUT_MS,
        minBodyBytesPerSecond: config.FILES_MIN_BODY_BYTES_PER_S,
        authorize: (token) => verifyFilesToken(config.FILES_TOKEN, token),
        authorizeWrite: (token, key) => verifyUploadGrant(config.FILES_TOKEN, token, key),
      },
      logger,
      {
        afterWrite: (result) => registry.register(result),
        hasRoomFor: async (bytes) => (await this.meter.measure()).availableBytes >= bytes,
        onStorageFull: () => void this.sweeper.trigger('a writer hit a full disk'),
      },
    );
    store.onStorageFull(() => void this.sweeper.trigger('ENOSPC'));
  }

  /** A short-lived token for the bytes API, handed out over NATS (files.endpoint.v1). */
  issueToken(): { token: string; expiresAt: Date } {
    return signFilesToken(this.config.FILES_TOKEN, this.config.FILES_TOKEN_TTL_MS);
  }

  /**
   * The upload grant of one allocation: PUT of exactly `key`, at most `wanted` bytes (capped by
   * the role's ceiling, which is the default), for FILES_TOKEN_TTL_MS.
   */
  issueUploadGrant(key: string, role: FileRole, wanted?: number): { token: string; expiresAt: Date; maxBytes: number } {
    const c = this.config;
    const ceiling =
      role === 'text' || role === 'story'
        ? c.FILES_MAX_TEXT_BYTES
        : role === 'image' || role === 'thumb' || role === 'keyframe'
          ? c.FILES_MAX_IMAGE_BYTES
          : c.FILES_MAX_VIDEO_BYTES;
    const maxBytes = Math.min(wanted ?? ceiling, ceiling, c.FILES_MAX_UPLOAD_BYTES);
    return signUploadGrant(c.FILES_TOKEN, key, maxBytes, c.FILES_TOKEN_TTL_MS);
  }

  async onModuleInit(): Promise<void> {
    if (this.config.filesTokenGenerated && this.config.FILES_PUBLIC_URL) {
      this.logger.warn('FILES_TOKEN is unset: a secret was made for this process; replicas need one shared FILES_TOKEN', { context: 'FilesService' });
    }
    const removed = await this.store.cleanTemps(this.config.FILES_TEMP_MAX_AGE_MS);
    if (removed > 0) this.logger.warn(`removed ${removed} temp files left by interrupted uploads`, { context: 'FilesService' });
    const url = await this.http.listen();
    this.logger.info(`bytes API on ${url} (public ${this.baseUrl}), root ${this.store.root}`, { context: 'FilesService' });
    if (this.registry.enabled) {
      this.sweeper.start();
      void this.sweeper.trigger('start');
    } else {
      this.logger.warn('FILES_REGISTRY=off: files are not recorded in the catalog and retention does not run', { context: 'FilesService' });
    }
    this.tempTimer = setInterval(() => {
      this.store.cleanTemps(this.config.FILES_TEMP_MAX_AGE_MS).catch((error: unknown) => {
        this.logger.error(`temp cleanup failed: ${(error as Error).message}`, { context: 'FilesService' });
      });
    }, 3600_000);
    this.tempTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.tempTimer);
    await this.sweeper.stop();
    await this.http.close();
  }

  get baseUrl(): string {
    return this.config.FILES_PUBLIC_URL ?? this.http.baseUrl;
  }

  async usage(): Promise<FilesUsageResponseV1> {
    const usage = await this.report.measure();
    return {
      ...usage,
      highWatermark: this.config.FILES_HIGH_WATERMARK,
      lowWatermark: this.config.FILES_LOW_WATERMARK,
      sweeping: this.sweeper.sweeping,
      lastSweep: this.sweeper.lastSweep,
    };
  }
}
