export * from './fake-chat.server.js';
