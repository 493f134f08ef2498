import { LoggerDeadLetterGetV1, LoggerDeadLetterListV1, LoggerEventsRecentV1, LoggerFunnelV1, type LoggerFunnelRequestV1 } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import { LogQueryService } from './log-query.service.js';

/** The log DB's read requests (the console's funnel and recent events). */
@Controller()
export class LogQueryHandler {
  constructor(private readonly query: LogQueryService) {}

  @OnRequest(LoggerFunnelV1)
  funnel(request: LoggerFunnelRequestV1) {
    return this.query.funnel(request);
  }

  @OnRequest(LoggerDeadLetterListV1)
  async deadLetters(request: z.infer<typeof LoggerDeadLetterListV1.request>) {
    return { deadLetters: await this.query.deadLetterList(request) };
  }

  @OnRequest(LoggerDeadLetterGetV1)
  async deadLetter(request: z.infer<typeof LoggerDeadLetterGetV1.request>) {
    return { deadLetter: await this.query.deadLetter(request.id) };
  }

  @OnRequest(LoggerEventsRecentV1)
  async recent(request: z.infer<typeof LoggerEventsRecentV1.request>) {
    return { events: await this.query.recent(request.subject, request.limit) };
  }
}
