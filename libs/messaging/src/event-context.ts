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
  ) {}

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
