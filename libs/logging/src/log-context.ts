import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one handled message carries. */
export interface LogContext {
  subject?: string;
  correlationId?: string;
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
