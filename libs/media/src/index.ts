export * from './errors.js';
export * from './process.js';
export * from './probe.js';
export * from './narration.js';
export * from './subtitles.js';
export * from './render.js';
export * from './assemble.js';
