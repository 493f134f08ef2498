import type winston from 'winston';
import { errorMessage, type UnavailableError } from './errors.js';

export interface BreakerTiming {
  /** First probe after this long; doubled after every failed probe. */
  firstProbeMs: number;
  /** The longest wait between two probes. */
  maxProbeMs: number;
}

export const DEFAULT_BREAKER_TIMING: BreakerTiming = { firstProbeMs: 500, maxProbeMs: 15_000 };

/**
 * One consumer's view of its dependencies: closed (work flows) or open (a dependency is down; the
 * consumer stops pulling and holds what it has). While open, a cheap probe (an owner's ping, the
 * consumer's own info, or the probe the failing code supplied) runs with a growing delay; the
 * first success closes the breaker. Trips that follow each other without any handler succeeding
 * in between start with a longer first probe, so an owner that answers pings but fails every
 * request (its database is down) costs one retry per held message every few seconds, not a storm.
 */
export class CircuitBreaker {
  private down: UnavailableError | null = null;
  private openedAt = 0;
  private tripsWithoutSuccess = 0;
  private waiters: (() => void)[] = [];
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly name: string,
    private readonly probeFor: (down: UnavailableError) => () => Promise<unknown>,
    private readonly logger: winston.Logger,
    private readonly onClose: () => void,
    private readonly timing: BreakerTiming = DEFAULT_BREAKER_TIMING,
  ) {}

  get isOpen(): boolean {
    return this.down !== null;
  }

  /** The dependency that is down, for logs and tests. */
  get dependency(): string | null {
    return this.down?.dependency ?? null;
  }

  /** A handler finished: the dependencies it used work. */
  succeeded(): void {
    this.tripsWithoutSuccess = 0;
  }

  trip(down: UnavailableError): void {
    if (this.down || this.stopped) return;
    this.down = down;
    this.openedAt = Date.now();
    this.tripsWithoutSuccess++;
    const first = Math.min(this.timing.firstProbeMs * 2 ** (this.tripsWithoutSuccess - 1), this.timing.maxProbeMs);
    this.logger.warn(`${this.name}: ${down.dependency} is unavailable, pausing (messages held, no attempt counted): ${errorMessage(down)}`);
    this.schedule(this.probeFor(down), first);
  }

  /** Resolves when the breaker is closed (at once if it is) or the consumer stops. */
  whenClosed(): Promise<void> {
    if (!this.down || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.release();
  }

  private schedule(probe: () => Promise<unknown>, delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      probe().then(
        () => this.close(),
        () => {
          if (!this.stopped) this.schedule(probe, Math.min(delayMs * 2, this.timing.maxProbeMs));
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private close(): void {
    if (!this.down || this.stopped) return;
    const seconds = ((Date.now() - this.openedAt) / 1000).toFixed(1);
    this.logger.info(`${this.name}: ${this.down.dependency} answers again after ${seconds} s, resuming`);
    this.down = null;
    this.release();
    this.onClose();
  }

  private release(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
