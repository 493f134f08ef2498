import type winston from 'winston';
import { SampleSiteServer, sampleSiteAvailable } from '../sample-site.server.js';
import { sampleSources } from './sample-sources.js';
import { loadSources, type SourceConfig } from './sources.config.js';

/**
 * The sources this replica knows. With no enabled source in the file, the bundled sample site is
 * started on loopback and its sources are used, so a fresh checkout shows the whole stage working.
 */
export class SourceRegistry {
  private constructor(
    readonly sources: readonly SourceConfig[],
    readonly sampleSite: SampleSiteServer | null,
  ) {}

  static async open(options: { path: string; samplePort: number; logger: winston.Logger }): Promise<SourceRegistry> {
    const configured = loadSources(options.path).filter((s) => s.enabled);
    if (configured.length > 0) {
      options.logger.info(`${configured.length} source(s) from ${options.path}: ${configured.map((s) => s.id).join(', ')}`);
      return new SourceRegistry(configured, null);
    }
    if (!(await sampleSiteAvailable())) {
      options.logger.warn(`${options.path} has no enabled source and the sample site is not installed: nothing to scrape`);
      return new SourceRegistry([], null);
    }
    const site = new SampleSiteServer();
    const origin = await site.listen(options.samplePort);
    const sources = sampleSources(origin);
    options.logger.info(
      `${options.path} has no enabled source: scraping the bundled sample site at ${origin} (${sources.map((s) => s.id).join(', ')}); ` +
        'add sources there to scrape real sites',
    );
    return new SourceRegistry(sources, site);
  }

  /** For tests and tools: a fixed list. */
  static of(sources: SourceConfig[]): SourceRegistry {
    return new SourceRegistry(sources, null);
  }

  get(id: string): SourceConfig | undefined {
    return this.sources.find((s) => s.id === id);
  }

  async close(): Promise<void> {
    await this.sampleSite?.close();
  }
}
