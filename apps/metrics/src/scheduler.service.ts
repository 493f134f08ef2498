import { MetricsRequestedV1 } from '#contracts';
import type { EventPublisher } from '#messaging';
import type winston from 'winston';

export interface MetricsSchedulerOptions {
  tickMs: number;
  slotMs: number;
  /** A slot is published only within this long after it starts (below the stream's duplicate window). */
  graceMs: number;
  now?: () => number;
}

/**
 * Every replica runs this, as the scraper's scheduler does: time is cut into slots aligned to the
 * epoch, and each slot's command goes out with the key `metrics:<slot start>`. Its message id is
 * derived from the key, so JetStream keeps one of the replicas' identical publishes and one replica
 * collects each slot. Publishing only early in a slot keeps a late replica from publishing it again.
 */
export class MetricsScheduler {
  private timer: NodeJS.Timeout | null = null;
  private lastSlot: number | null = null;
  private readonly now: () => number;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly log: winston.Logger,
    private readonly options: MetricsSchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.log.info(`metrics scheduler on: a collection every ${Math.round(this.options.slotMs / 60_000)} min`);
    void this.tick(true);
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Publishes the current slot's command if it is due; returns its key (tests drive it with a fake
   * clock). At start the current slot goes out even late in it: a slot collected twice adds no rows
   * and announces nothing, while a replica restarted mid-slot would otherwise wait up to an hour.
   */
  async tick(starting = false): Promise<string | null> {
    const now = this.now();
    const slot = Math.floor(now / this.options.slotMs) * this.options.slotMs;
    if (this.lastSlot === slot || (!starting && now - slot > this.options.graceMs)) return null;
    const slotAt = new Date(slot).toISOString();
    const key = `metrics:${slotAt}`;
    try {
      await this.publisher.publish(MetricsRequestedV1, { slotAt, requestedBy: 'schedule' }, { key });
      this.lastSlot = slot;
      return key;
    } catch (error) {
      this.log.warn(`cannot publish the metrics slot ${slotAt}: ${(error as Error).message}`);
      return null;
    }
  }
}
