import { ModulesContainer } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Every TypeORM DataSource the app's providers hold (directly, or as a repository's
 * `dataSource`), so `/readyz` checks the databases an app owns without code in the app.
 */
export function discoverDataSources(app: INestMicroservice): DataSource[] {
  const found = new Set<DataSource>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const instance = wrapper.instance as unknown;
      if (instance instanceof DataSource) found.add(instance);
      else if (instance && typeof instance === 'object' && (instance as { dataSource?: unknown }).dataSource instanceof DataSource) {
        found.add((instance as { dataSource: DataSource }).dataSource);
      }
    }
  }
  return [...found];
}
