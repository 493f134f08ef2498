export * from './env.js';
export * from './yaml-config.js';
