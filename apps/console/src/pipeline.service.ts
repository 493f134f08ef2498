import { Events, LoggerFunnelV1, type LoggerFunnelResponseV1 } from '#contracts';
import type { RequestClient } from '#messaging';
import type { MonitorClient } from './monitor.client.js';

/** The funnel, in pipeline order: each stage is marked by the event it publishes. */
export const FUNNEL = [
  { stage: 'scraped', subject: Events.ArticleStoredV1 },
  { stage: 'embedded', subject: Events.ArticleEmbeddedV1 },
  { stage: 'trends', subject: Events.TrendDetectedV1 },
  { stage: 'stories', subject: Events.StoryWrittenV1 },
  { stage: 'videos', subject: Events.VideoGeneratedV1 },
  { stage: 'edited', subject: Events.VideoEditedV1 },
  { stage: 'published', subject: Events.VideoPublishedV1 },
] as const;

export type StageState = 'ok' | 'busy' | 'behind' | 'stalled';

export interface StageRow {
  stream: string;
  consumer: string;
  filter: string | null;
  pending: number;
  ackPending: number;
  redelivered: number;
  /** Messages acknowledged per second since the previous look (null on the first). */
  rate: number | null;
  state: StageState;
}

export interface PipelineView {
  funnel: LoggerFunnelResponseV1 | null;
  funnelError: string | null;
  stages: StageRow[];
  stagesError: string | null;
  takenAt: string;
}

/**
 * The pipeline page's figures: the funnel per day from the log DB (the logger's request) and each
 * consumer's backlog from the NATS monitoring endpoint, both asked at once.
 */
export class PipelineService {
  /** The previous look per consumer, for the rate (display only: a second replica has its own). */
  private readonly previous = new Map<string, { acked: number; at: number }>();

  constructor(
    private readonly requests: RequestClient,
    private readonly monitor: MonitorClient,
    private readonly streams: Set<string>,
    private readonly behindPending: number,
  ) {}

  /**
   * Asks the funnel once so the logger counts and keeps the finished days of the window before a
   * person looks: the console does it at start and every day 20 minutes after UTC midnight (the
   * logger keeps a day's count only once its late margin, 15 minutes, has passed).
   */
  async warm(days = 14): Promise<void> {
    await this.requests.request(LoggerFunnelV1, { subjects: FUNNEL.map((f) => f.subject), days }, { timeoutMs: 120_000 });
  }

  async view(days = 14): Promise<PipelineView> {
    const [funnel, stages] = await Promise.allSettled([
      this.requests.request(LoggerFunnelV1, { subjects: FUNNEL.map((f) => f.subject), days }),
      this.stages(),
    ]);
    return {
      funnel: funnel.status === 'fulfilled' ? funnel.value : null,
      funnelError: funnel.status === 'rejected' ? (funnel.reason as Error).message : null,
      stages: stages.status === 'fulfilled' ? stages.value : [],
      stagesError: stages.status === 'rejected' ? (stages.reason as Error).message : null,
      takenAt: new Date().toISOString(),
    };
  }

  async stages(): Promise<StageRow[]> {
    const now = Date.now();
    const rows: StageRow[] = [];
    for (const c of await this.monitor.consumers()) {
      if (!this.streams.has(c.stream)) continue;
      const key = `${c.stream}/${c.consumer}`;
      const before = this.previous.get(key);
      this.previous.set(key, { acked: c.acked, at: now });
      const seconds = before ? (now - before.at) / 1000 : 0;
      const rate = before && seconds > 0.5 ? Math.max(0, c.acked - before.acked) / seconds : null;
      rows.push({ stream: c.stream, consumer: c.consumer, filter: c.filter, pending: c.pending, ackPending: c.ackPending, redelivered: c.redelivered, rate, state: this.state(c.pending, c.ackPending, rate) });
    }
    return rows.sort((a, b) => a.stream.localeCompare(b.stream) || a.consumer.localeCompare(b.consumer));
  }

  /** Behind: a backlog above the threshold; stalled: work waiting and nothing acknowledged since the last look. */
  private state(pending: number, ackPending: number, rate: number | null): StageState {
    if (pending + ackPending > 0 && rate === 0) return 'stalled';
    if (pending > this.behindPending) return 'behind';
    if (pending + ackPending > 0) return 'busy';
    return 'ok';
  }
}
