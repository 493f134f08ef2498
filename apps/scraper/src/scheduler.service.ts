import { ScrapeRequestedV1 } from '#contracts';
import type { EventPublisher } from '#messaging';
import type winston from 'winston';
import type { SourceConfig } from './sources/sources.config.js';

export interface SchedulerOptions {
  tickMs: number;
  /**
   * Resolves when a run could work (the catalog answers). The first tick waits for it, up to
   * `readyTimeoutMs`, so that runs published at start are not all failed and delayed by a backoff
   * because the apps of `npm start` come up in parallel.
   */
  ready?: () => Promise<unknown>;
  readyTimeoutMs?: number;
  /** A slot is published only within this long after it starts (must stay below the stream's duplicate window). */
  graceMs: number;
  now?: () => number;
}

/**
 * Every replica runs this. Time is cut into slots of each source's period (aligned to the epoch,
 * so all replicas agree), and a slot's command is published with the message key
 * `schedule:<sourceId>:<slot start>`: the message id is a hash of it, and JetStream keeps one of
 * the identical publishes that arrive within the duplicate window. Publishing only early in a
 * slot keeps late replicas from publishing it again after that window.
 */
export class SchedulerService {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly published = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly sources: readonly SourceConfig[],
    private readonly publisher: EventPublisher,
    private readonly log: winston.Logger,
    private readonly options: SchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer || this.stopped || this.sources.length === 0) return;
    this.log.info(`scheduler on: ${this.sources.map((s) => `${s.id} every ${Math.round(s.schedule / 60_000)} min`).join(', ')}`);
    void this.waitReady().then(() => {
      if (this.stopped) return;
      void this.tick(true);
      this.timer = setInterval(() => void this.tick(false), this.options.tickMs);
      this.timer.unref();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async waitReady(): Promise<void> {
    if (!this.options.ready) return;
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 60_000);
    while (!this.stopped) {
      try {
        await this.options.ready();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          this.log.warn(`scheduling without a ready catalog: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** Publishes the due slots; returns the keys published (tests drive it with a fake clock). */
  async tick(starting: boolean): Promise<string[]> {
    const now = this.now();
    const keys: string[] = [];
    for (const source of this.sources) {
      const slot = Math.floor(now / source.schedule) * source.schedule;
      if (this.published.get(source.id) === slot) continue;
      const early = now - slot <= this.options.graceMs;
      if (!early && !(starting && source.runOnStart)) continue;
      const key = `schedule:${source.id}:${new Date(slot).toISOString()}`;
      try {
        await this.publisher.publish(ScrapeRequestedV1, { sourceId: source.id, requestedBy: 'schedule' }, { key });
        this.published.set(source.id, slot);
        keys.push(key);
      } catch (error) {
        // The next tick tries again while the slot is still early.
        this.log.warn(`cannot publish the scheduled run of ${source.id}: ${(error as Error).message}`);
      }
    }
    return keys;
  }
}
