interface HostState {
  active: number;
  /** Earliest time the next request to this host may start. */
  nextStart: number;
  delayMs: number;
  waiting: Array<() => void>;
}

/**
 * Politeness per host (`host:port`), shared by every run of this replica: at most `concurrency`
 * requests in flight and at least `delayMs` between two starts. A robots.txt Crawl-delay raises
 * the delay for its host, never lowers it below the configured one.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly concurrency: number,
    private readonly delayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  setCrawlDelay(host: string, delayMs: number): void {
    const state = this.state(host);
    state.delayMs = Math.min(this.maxDelayMs, Math.max(this.delayMs, delayMs));
  }

  /** Waits for a slot; call the returned function exactly once when the exchange is over. */
  async acquire(host: string): Promise<() => void> {
    const state = this.state(host);
    if (state.active >= this.concurrency) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    }
    state.active++;
    const now = Date.now();
    const startAt = Math.max(now, state.nextStart);
    state.nextStart = startAt + state.delayMs;
    if (startAt > now) await new Promise((resolve) => setTimeout(resolve, startAt - now));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.active--;
      const next = state.waiting.shift();
      if (next) next();
      else if (state.active === 0 && state.delayMs === this.delayMs) this.forgetLater(host, state);
    };
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, nextStart: 0, delayMs: this.delayMs, waiting: [] };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** An idle host with the default delay holds nothing worth keeping; the map must not grow forever. */
  private forgetLater(host: string, state: HostState): void {
    const wait = Math.max(0, state.nextStart - Date.now());
    setTimeout(() => {
      if (state.active === 0 && state.waiting.length === 0 && this.hosts.get(host) === state && Date.now() >= state.nextStart) {
        this.hosts.delete(host);
      }
    }, wait + 10).unref();
  }
}
