import { MetricsRegistry } from '#ops';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { FilesService } from './files.service.js';

/** The file root's figures on /metrics: bytes used against the cap (one volume measure per scrape). */
@Injectable()
export class FilesMetrics implements OnModuleInit {
  constructor(
    @Inject(MetricsRegistry) private readonly metrics: MetricsRegistry,
    @Inject(FilesService) private readonly files: FilesService,
  ) {}

  onModuleInit(): void {
    let last: { at: number; value: Promise<Awaited<ReturnType<FilesService['usage']>>> } | null = null;
    // The three gauges of one scrape share one measure.
    const usage = () => {
      if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), value: this.files.usage() };
      return last.value;
    };
    this.metrics.gauge({ name: 'files_bytes_used', help: 'Bytes in use on the volume of the file root', collect: async () => (await usage()).usedBytes });
    this.metrics.gauge({ name: 'files_bytes_capacity', help: 'What the files may fill: min(FILES_CAPACITY_BYTES minus the databases, volume size)', collect: async () => (await usage()).capacityBytes });
    this.metrics.gauge({ name: 'files_bytes_available', help: 'Bytes a writer can still get', collect: async () => (await usage()).availableBytes });
    this.metrics.gauge({ name: 'files_bytes_budget', help: 'FILES_CAPACITY_BYTES: the cap for files and databases together', collect: async () => (await usage()).budgetBytes ?? 0 });
    // Cached figures (files.usage refreshes them at most once per FILES_DATABASE_SIZE_TTL_MS).
    this.metrics.gauge({
      name: 'files_database_bytes',
      help: 'Size of each database as its owner reports it (source: reported, last-known, unknown); counted: subtracted from the cap',
      labelNames: ['owner', 'source', 'counted'] as const,
      collect: async () =>
        ((await usage()).databases ?? []).flatMap((d) => [
          { labels: { owner: d.owner, source: d.source, counted: 'false' }, value: d.bytes - d.countedBytes },
          { labels: { owner: d.owner, source: d.source, counted: 'true' }, value: d.countedBytes },
        ]),
    });
    this.metrics.gauge({
      name: 'files_database_size_unknown',
      help: 'Databases whose owner never reported a size (not counted against the cap until it does)',
      collect: async () => ((await usage()).databases ?? []).filter((d) => d.source === 'unknown').length,
    });
  }
}
