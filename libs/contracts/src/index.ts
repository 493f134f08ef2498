export * from './define.js';
export * from './envelope.js';
export * from './subjects.js';
export * from './dead-letter.v1.js';
export * from './events/index.js';
export * from './requests/index.js';
export * from './documents/index.js';
