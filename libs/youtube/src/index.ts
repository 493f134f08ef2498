export * from './youtube.errors.js';
export * from './google-error.js';
export * from './http.js';
export * from './oauth.client.js';
export * from './youtube.types.js';
export * from './youtube.client.js';
export * from './resumable-upload.js';
export * from './fake/fake-youtube.server.js';
