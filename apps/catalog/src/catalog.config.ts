import { join } from 'node:path';
import { CommonEnv, ConfigError, loadEnv } from '#config';
import { databaseKind, redact } from '#database';
import { z } from 'zod';

export const CatalogEnv = {
  ...CommonEnv,
  /** `sqlite:<path>` (default `sqlite:<DATA_DIR>/catalog.sqlite`) or `mysql://user:pass@host:3306/catalog`. */
  CATALOG_DB_URL: z.string().min(1).optional(),
};

export interface CatalogConfig {
  dbUrl: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadCatalogConfig(env: NodeJS.ProcessEnv): CatalogConfig {
  const parsed = loadEnv(CatalogEnv, env);
  const dbUrl = parsed.CATALOG_DB_URL ?? `sqlite:${join(parsed.DATA_DIR, 'catalog.sqlite')}`;
  try {
    databaseKind(dbUrl);
  } catch {
    // Not the driver's message: it repeats the URL with its password.
    throw new ConfigError(
      `Invalid environment:\n  CATALOG_DB_URL ("${redact(dbUrl)}"): use sqlite:<path> or mysql://user:pass@host:3306/catalog`,
    );
  }
  return { dbUrl, logLevel: parsed.LOG_LEVEL, logFormat: parsed.LOG_FORMAT };
}

/** The catalog's own config, read once from the environment bootstrap hands to the app. */
export const CATALOG_CONFIG = Symbol('CATALOG_CONFIG');
