export * from './data-source.js';
export * from './unavailable.js';
export * from './storage-size.js';
export * from './resumable-migrations.js';
export * from './schema-snapshot.js';
