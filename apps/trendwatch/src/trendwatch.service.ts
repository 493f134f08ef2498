import type { ExternalTrendItemV1 } from '#contracts';
import type winston from 'winston';
import type { CatalogClient } from './catalog.client.js';
import { fetchDataLab, fetchTrendingRss } from './trend-sources.client.js';
import type { TrendwatchConfig } from './trendwatch.config.js';

export const GOOGLE_SOURCE = 'google-trends-rss';
export const NAVER_SOURCE = 'naver-datalab';

export interface Endpoints {
  googleUrl: string;
  naver: { url: string; clientId: string; clientSecret: string } | null;
  /** true when the endpoints are the bundled fakes: every snapshot says so. */
  standIn: boolean;
}

export interface TickResult {
  google: { snapshotId: number; items: number; status: 'ok' | 'failed' };
  naver: { snapshotId: number; items: number; status: 'ok' | 'failed' } | null;
}

function day(ms: number): string {
  // DataLab's days are Korean days.
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Snapshots the outside world's trends on a timer: Google's "trending now" feed of one country,
 * then (with keys) Naver DataLab's ratios for its top terms against a fixed anchor group. Every
 * fetch is recorded with its time and source, a failed one with its error: a failure is logged,
 * retried by the HTTP client, and tried again at the next tick, never fatal.
 */
export class TrendwatchService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly config: TrendwatchConfig,
    private readonly endpoints: Endpoints,
    private readonly catalog: CatalogClient,
    private readonly log: winston.Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.log.info(`snapshots of ${GOOGLE_SOURCE} (${this.config.geo})${this.endpoints.naver ? ` and ${NAVER_SOURCE}` : ''} every ${this.config.intervalMs / 60_000} min${this.endpoints.standIn ? ' from the bundled fakes (stand-in)' : ''}`);
    const run = () => {
      if (this.running || this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => this.log.warn(`snapshot not recorded: ${(error as Error).message}`))
        .finally(() => (this.running = null));
    };
    // The catalog may still be starting with the rest of `npm start`: the first tick waits a little.
    const first = setTimeout(run, 2000);
    first.unref();
    this.timer = setInterval(run, this.config.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async tick(): Promise<TickResult> {
    const fetchedAt = new Date(this.now()).toISOString();
    const http = { timeoutMs: this.config.timeoutMs, retries: this.config.retries, maxWaitMs: Math.min(30_000, this.config.intervalMs / 4) };
    let items: ExternalTrendItemV1[] = [];
    let google: TickResult['google'];
    try {
      const feed = await fetchTrendingRss(this.endpoints.googleUrl, this.config.geo, http);
      items = feed.items;
      if (feed.problems.length > 0) this.log.warn(`${GOOGLE_SOURCE}: ${feed.problems.slice(0, 5).join('; ')}${feed.problems.length > 5 ? ` (+${feed.problems.length - 5})` : ''}`);
      const snapshotId = await this.catalog.record({ source: GOOGLE_SOURCE, region: this.config.geo, fetchedAt, status: 'ok', standIn: this.endpoints.standIn, items });
      google = { snapshotId, items: items.length, status: 'ok' };
      this.log.info(`${GOOGLE_SOURCE} ${this.config.geo}: ${items.length} trends (${items.slice(0, 3).map((i) => i.term).join(', ')}...) as snapshot ${snapshotId}`);
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn(`${GOOGLE_SOURCE} ${this.config.geo} failed: ${message}`);
      const snapshotId = await this.catalog.record({ source: GOOGLE_SOURCE, region: this.config.geo, fetchedAt, status: 'failed', error: message.slice(0, 1000), standIn: this.endpoints.standIn, items: [] });
      google = { snapshotId, items: 0, status: 'failed' };
    }
    const naver = this.endpoints.naver && items.length > 0 ? await this.naver(items, fetchedAt, http) : null;
    return { google, naver };
  }

  private async naver(google: ExternalTrendItemV1[], fetchedAt: string, http: { timeoutMs: number; retries: number; maxWaitMs: number }): Promise<TickResult['naver']> {
    const terms = [...new Set(google.map((i) => i.term.slice(0, 50)))].filter((t) => t !== this.config.anchor).slice(0, this.config.naverTerms);
    const end = this.now();
    const request = {
      startDate: day(end - 7 * 86_400_000),
      endDate: day(end),
      timeUnit: 'date' as const,
      keywordGroups: [this.config.anchor, ...terms].map((term) => ({ groupName: term, keywords: [term] })),
    };
    try {
      const result = await fetchDataLab(this.endpoints.naver!, request, this.config.anchor, http);
      if (result.problems.length > 0) this.log.warn(`${NAVER_SOURCE}: ${result.problems.join('; ')}`);
      const snapshotId = await this.catalog.record({ source: NAVER_SOURCE, region: 'KR', fetchedAt, status: 'ok', standIn: this.endpoints.standIn, items: result.items });
      this.log.info(`${NAVER_SOURCE}: ratios of ${result.items.length} terms against "${this.config.anchor}" as snapshot ${snapshotId}`);
      return { snapshotId, items: result.items.length, status: 'ok' };
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn(`${NAVER_SOURCE} failed: ${message}`);
      const snapshotId = await this.catalog.record({ source: NAVER_SOURCE, region: 'KR', fetchedAt, status: 'failed', error: message.slice(0, 1000), standIn: this.endpoints.standIn, items: [] });
      return { snapshotId, items: 0, status: 'failed' };
    }
  }
}
