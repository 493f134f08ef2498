import { ScrapeRequestedV1 } from '#contracts';
import { OnEvent, PoisonMessageError, type EventContext } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { ScraperService, summarise } from './scraper.service.js';
import { SourceRegistry } from './sources/source.registry.js';

/**
 * The scraper stage's one subscriber: a ScrapeRequestedV1 (from the scheduler or a person) runs
 * one source or all of them and announces every stored article with ArticleStoredV1.
 *
 * A source that can never be read as configured (refused address, robots.txt, over the size limit,
 * not a feed, a 404) dead-letters the command at once with the reason; a source that failed for
 * now (5xx, timeout) and a catalog or files outage make the command retry with backoff. Failures
 * of single articles and media do not fail the command: they are logged and left for the next run.
 */
@Controller()
export class ScraperHandler {
  constructor(
    @Inject(ScraperService) private readonly scraper: ScraperService,
    @Inject(SourceRegistry) private readonly registry: SourceRegistry,
  ) {}

  @OnEvent(ScrapeRequestedV1)
  async onScrapeRequested(payload: ScrapeRequestedV1, ctx: EventContext): Promise<void> {
    const sources = payload.sourceId === undefined ? [...this.registry.sources] : [this.registry.get(payload.sourceId)];
    if (sources.some((s) => s === undefined)) {
      const known = this.registry.sources.map((s) => s.id).join(', ') || 'none';
      throw new PoisonMessageError(`unknown source "${payload.sourceId}" (known here: ${known}); sources are configured in SCRAPER_SOURCES`);
    }
    if (sources.length === 0) {
      ctx.log.warn('scrape requested, but no source is configured');
      return;
    }
    ctx.log.info(`scrape of ${payload.sourceId ?? `all ${sources.length} sources`} requested by ${payload.requestedBy} (attempt ${ctx.attempt})`);
    const reports = await this.scraper.run(
      sources.map((s) => s!),
      payload,
      { envelope: ctx.envelope, attempt: ctx.attempt, rerun: ctx.rerun, log: ctx.log, working: () => ctx.working() },
    );
    const failed = reports.filter((r) => r.failure !== null);
    if (failed.length === 0) return;
    const message = failed.map((r) => `${r.sourceId}: ${summarise(r)}`).join('; ');
    if (failed.some((r) => !r.failure!.permanent)) throw new Error(`${message} (will retry)`);
    throw new PoisonMessageError(message);
  }
}
