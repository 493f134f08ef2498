export * from './fake-av.server.js';
export * from './sample-story.js';
