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
    this.metrics.gauge({ name: 'files_bytes_capacity', help: 'The storage cap: min(FILES_CAPACITY_BYTES, volume size)', collect: async () => (await usage()).capacityBytes });
    this.metrics.gauge({ name: 'files_bytes_available', help: 'Bytes a writer can still get', collect: async () => (await usage()).availableBytes });
  }
}
