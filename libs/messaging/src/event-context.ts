import type { Envelope } from '#contracts';

/** What an event handler knows about the delivery besides the payload. */
export class EventContext {
  constructor(
    readonly envelope: Envelope,
    /** 1 on first delivery. */
    readonly attempt: number,
    readonly streamSequence: number,
    private readonly heartbeat: () => void,
  ) {}

  /** Tells the server the handler is still busy, so the message is not redelivered meanwhile. */
  working(): void {
    this.heartbeat();
  }

  /** Arguments NestJS hands to `@Ctx()` and interceptors. */
  getArgs(): unknown[] {
    return [this.envelope.subject];
  }
  getArgByIndex(index: number): unknown {
    return this.getArgs()[index];
  }
}
