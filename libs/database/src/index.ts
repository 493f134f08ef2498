export * from './data-source.js';
export * from './unavailable.js';
export * from './storage-size.js';
