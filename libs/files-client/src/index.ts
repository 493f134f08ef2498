export * from './files.client.js';
export * from './files-client.errors.js';
export * from './files-token.js';
