export * from './data-source.js';
export * from './unavailable.js';
