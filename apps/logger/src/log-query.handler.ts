import { LoggerEventsRecentV1, LoggerFunnelV1, type LoggerFunnelRequestV1 } from '#contracts';
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

  @OnRequest(LoggerEventsRecentV1)
  async recent(request: z.infer<typeof LoggerEventsRecentV1.request>) {
    return { events: await this.query.recent(request.subject, request.limit) };
  }
}
