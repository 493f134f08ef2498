export * from './fake-chat.server.js';
export * from './llama-engine.server.js';
