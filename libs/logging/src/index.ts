export * from './log-context.js';
export * from './logger.js';
