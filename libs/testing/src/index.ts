export * from './test-bus.js';
export * from './wait.js';
export * from './prng.js';
export * from './nats-server.js';
