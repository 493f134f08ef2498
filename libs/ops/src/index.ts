export * from './discover.js';
export * from './health.checks.js';
export * from './metrics.registry.js';
export * from './ops.module.js';
export * from './ops.server.js';
export * from './table-rows.js';
