export * from './test-bus.js';
export * from './wait.js';
