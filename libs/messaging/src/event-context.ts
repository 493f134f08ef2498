import type { Envelope } from '#contracts';
import type winston from 'winston';

/** What an event handler knows about the delivery besides the payload. */
export class EventContext {
  private childLogger: winston.Logger | null = null;

  constructor(
    readonly envelope: Envelope,
    /** 1 on first delivery. */
    readonly attempt: number,
    readonly streamSequence: number,
    private readonly heartbeat: () => void,
    private readonly appLogger: winston.Logger,
    /** Times this delivery was held back because a dependency was down. */
    readonly holds = 0,
  ) {}

  /**
   * True when an earlier run of the handler for this very message may have done part of the work:
   * a redelivery, or a run that stopped because a dependency was down (no attempt counted).
   */
  get rerun(): boolean {
    return this.attempt > 1 || this.holds > 0;
  }

  /**
   * The app's logger with this message's subject and correlation id on every line. Explicit
   * rather than AsyncLocalStorage: on Node 20 that hooks every promise of the process and cost
   * a third of the request/reply throughput in `npm run bench:bus`.
   */
  get log(): winston.Logger {
    this.childLogger ??= this.appLogger.child({ subject: this.envelope.subject, correlationId: this.envelope.correlationId });
    return this.childLogger;
  }

  /** Tells the server the handler is still busy, so the message is not redelivered meanwhile. */
  working(): void {
    this.heartbeat();
  }

}
