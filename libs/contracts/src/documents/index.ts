export * from './story-script.v1.js';
