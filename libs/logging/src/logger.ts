import type { LoggerService } from '@nestjs/common';
import winston from 'winston';

export interface LoggingOptions {
  app: string;
  level?: string;
  format?: 'text' | 'json';
}

const text = winston.format.printf((info) => {
  const parts = [String(info.timestamp), String(info.level).toUpperCase().padEnd(5), `[${String(info.app)}]`];
  if (info.context) parts.push(`(${String(info.context)})`);
  if (info.subject) parts.push(`subject=${String(info.subject)}`);
  if (info.correlationId) parts.push(`corr=${String(info.correlationId)}`);
  parts.push(String(info.message));
  if (info.stack) parts.push(`\n${String(info.stack)}`);
  return parts.join(' ');
});

/**
 * One winston logger per process, the app on every line; handlers log through `ctx.log`, a child
 * with the message's subject and correlation id.
 */
export function createLogger(options: LoggingOptions): winston.Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { app: options.app },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      options.format === 'json' ? winston.format.json() : text,
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error'] })],
  });
}

/** Lets NestJS's own messages go through the same winston logger. */
export class WinstonNestLogger implements LoggerService {
  constructor(private readonly logger: winston.Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info(String(message), { context });
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context ? stackOrContext : undefined;
    this.logger.error(String(message), { context: context ?? stackOrContext, stack });
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(String(message), { context });
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug(String(message), { context });
  }
  verbose(message: unknown, context?: string): void {
    this.logger.debug(String(message), { context });
  }
}
