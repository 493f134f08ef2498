import { createLogger } from '#logging';

/** The part of the app's winston logger the backends use; tests may pass a quiet one. */
export interface BackendLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export function defaultBackendLogger(): BackendLogger {
  return createLogger({ app: 'vector', level: 'warn' });
}
