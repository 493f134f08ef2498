import { openDatabase } from '#database';
import type { DataSource } from 'typeorm';
import { catalogEntities } from '../entities/index.js';
import { catalogMigrations } from '../migrations/index.js';

/** Opens the catalog database (SQLite file or MySQL/MariaDB) and brings its schema up to date. */
export function openCatalogDatabase(url: string, options: { logging?: boolean } = {}): Promise<DataSource> {
  return openDatabase({ url, entities: catalogEntities, migrations: catalogMigrations, logging: options.logging ?? false });
}
