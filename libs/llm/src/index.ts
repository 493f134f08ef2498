export * from './chat.client.js';
export * from './chat.types.js';
export * from './json-schema.js';
export * from './llm.errors.js';
export * from './retry-policy.js';
export * from './token-estimate.js';
export * from './output-bound.js';
