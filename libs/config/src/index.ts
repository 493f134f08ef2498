export * from './env.js';
export * from './yaml-config.js';
export * from './redact.js';
