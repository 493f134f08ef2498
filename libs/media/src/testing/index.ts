export * from './fake-av.server.js';
