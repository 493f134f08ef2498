/** Injection tokens of what bootstrap provides to every app. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** The process environment merged with per-app overrides (tests); read it with `loadEnv`. */
export const APP_ENV = Symbol('APP_ENV');
/** `{ app: string }`: the running app's name. */
export const APP_INFO = Symbol('APP_INFO');
/** The app's winston logger (the app's name on every line), made once by the bootstrap. */
export const APP_LOGGER = Symbol('APP_LOGGER');
