import { DeadLetterV1, type Envelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { LogRepository } from './log.repository.js';

/** The log collector's subscriber: every pipeline event and every dead letter into the log DB. */
@Controller()
export class LoggerHandler {
  constructor(private readonly log: LogRepository) {}

  @OnEvent('pipeline.>')
  async onEvent(_payload: unknown, ctx: EventContext): Promise<void> {
    await this.log.recordEvent(ctx.envelope, ctx.streamSequence);
  }

  @OnEvent('dlq.>')
  async onDeadLetter(payload: DeadLetterV1, ctx: EventContext): Promise<void> {
    await this.log.recordDeadLetter({ ...ctx.envelope, payload } as Envelope<DeadLetterV1>);
  }
}
