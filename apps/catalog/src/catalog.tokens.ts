/** The catalog's winston logger (one per app process). */
export const CATALOG_LOGGER = Symbol('CATALOG_LOGGER');
