import type { Envelope, ScrapeRequestedV1 } from '#contracts';
import type winston from 'winston';
import type { ArticleService } from './article.service.js';
import type { CatalogClient } from './catalog.client.js';
import { CategoryRule } from './category.rule.js';
import { FingerprintBook } from './dedup/fingerprint.book.js';
import { bareHost } from './fetch/address.policy.js';
import type { FetchClient } from './fetch/fetch.client.js';
import { FetchError } from './fetch/fetch.errors.js';
import type { RunJournal } from './run.journal.js';
import type { ArticleOutcome, RunContext, SourceReport } from './run.types.js';
import { describe, failureCode, isInfrastructureFailure } from './scraper.errors.js';
import type { DiscoveryService } from './sources/discovery.service.js';
import type { SourceConfig } from './sources/sources.config.js';
import { SourceFormatError } from './sources/xml.util.js';

export interface RunDelivery {
  envelope: Envelope;
  attempt: number;
  /** An earlier run of this very command may have done part of the work (redelivered or held in an outage). */
  rerun: boolean;
  log: winston.Logger;
  working(): void;
}

/** Runs the sources of one ScrapeRequestedV1: discovery, then every article with bounded concurrency. */
export class ScraperService {
  constructor(
    private readonly fetch: FetchClient,
    private readonly discovery: DiscoveryService,
    private readonly articles: ArticleService,
    private readonly catalog: CatalogClient,
    private readonly journal: RunJournal,
    private readonly options: { articleConcurrency: number; nearDuplicateBits: number },
  ) {}

  async run(sources: SourceConfig[], command: ScrapeRequestedV1, delivery: RunDelivery): Promise<SourceReport[]> {
    const rule = new CategoryRule(await this.catalog.categorySlugs());
    // Shared by every source of the command: a syndicated copy on another source is still caught.
    const book = new FingerprintBook(this.options.nearDuplicateBits);
    const finished = new Set<number>();
    const reports: SourceReport[] = [];
    for (const source of sources) {
      reports.push(await this.runSource(source, command, delivery, rule, book, finished));
    }
    return reports;
  }

  private async runSource(
    source: SourceConfig,
    command: ScrapeRequestedV1,
    delivery: RunDelivery,
    rule: CategoryRule,
    book: FingerprintBook,
    finished: Set<number>,
  ): Promise<SourceReport> {
    const report: SourceReport = { sourceId: source.id, startedAt: new Date().toISOString(), finishedAt: null, discovered: 0, outcomes: [], failure: null };
    const log = delivery.log.child({ source: source.id });
    const sourceUrl = new URL(source.url);
    const session = this.fetch.session(source.allowPrivate ? [bareHost(sourceUrl)] : []);
    try {
      await this.catalog.upsertSource({
        key: source.id,
        name: source.name ?? source.id,
        kind: source.kind,
        baseUrl: sourceUrl.origin,
        lang: source.lang ?? null,
        defaultCategory: source.category ?? null,
      });
      let links;
      try {
        links = await this.discovery.discover(source, session, command.maxArticles ?? source.maxArticles);
      } catch (error) {
        if (isInfrastructureFailure(error) || !(error instanceof FetchError || error instanceof SourceFormatError)) throw error;
        const permanent = error instanceof SourceFormatError || !error.retryable;
        report.failure = { code: failureCode(error), message: describe(error), permanent };
        log.warn(`cannot read ${source.url}: ${describe(error)}`);
        return report;
      }
      report.discovered = links.length;
      delivery.working();
      const run: RunContext = { source, session, envelope: delivery.envelope, attempt: delivery.attempt, rerun: delivery.rerun, log, rule, book, finished, heartbeat: () => delivery.working() };
      await forEachLimit(links, this.options.articleConcurrency, async (link) => {
        const outcome = await this.articles.store(link, run);
        report.outcomes.push(outcome);
        if (outcome.status === 'skipped') {
          // robots.txt saying no is the politeness rule working, not a problem to look at.
          log.log(outcome.code === 'robots' ? 'info' : 'warn', `skipped ${outcome.url.slice(0, 300)} (${outcome.code}): ${outcome.message}`);
        }
        delivery.working();
      });
      return report;
    } finally {
      session.close();
      report.finishedAt = new Date().toISOString();
      this.journal.add(report);
      log.info(`source ${source.id}: ${summarise(report)}`);
    }
  }
}

export function summarise(report: SourceReport): string {
  if (report.failure) return `failed (${report.failure.code}): ${report.failure.message}`;
  const count = (status: ArticleOutcome['status']): number => report.outcomes.filter((o) => o.status === status).length;
  const mediaFailed = report.outcomes.reduce((n, o) => n + (o.status === 'stored' ? o.media.filter((m) => m.error).length : 0), 0);
  return (
    `${report.discovered} links, ${count('stored')} stored, ${count('exists')} already stored, ${count('duplicate')} duplicates, ` +
    `${count('near-duplicate')} near-duplicates, ${count('skipped')} skipped` +
    (mediaFailed > 0 ? `, ${mediaFailed} media not stored` : '')
  );
}

/** Runs `work` over `items` with at most `limit` at once; the first failure stops new work and is rethrown. */
async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
