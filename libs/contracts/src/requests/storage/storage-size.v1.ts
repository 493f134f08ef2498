import { z } from 'zod';
import { defineRequest, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

/**
 * The storage cap (about 50 TB) covers the files and the databases together. Each database owner
 * reports what its store occupies, the files service's retention sweeper subtracts it from the
 * cap. One request and one answer shape per owner: `catalog.storage.size.v1`,
 * `logger.storage.size.v1`, `vector.storage.size.v1`.
 */
export const StorageSizeMethod = z.enum([
  /** MySQL/MariaDB: SUM(data_length + index_length) of the schema in information_schema.tables. */
  'mysql-information-schema',
  /** SQLite: page_count * page_size of the main file, plus its -wal file. */
  'sqlite-pages',
  /** Files of the store on disk, summed (usearch index files and their metadata SQLite). */
  'files',
  /** Not measured: a figure computed from row counts and sizes; `exact` is false. */
  'estimate',
]);
export type StorageSizeMethod = z.infer<typeof StorageSizeMethod>;

export const StorageSizePart = z.object({
  /** What was measured: a schema, a file, a collection. */
  name: z.string().max(512),
  bytes: z.number().nonnegative(),
  method: StorageSizeMethod,
  exact: z.boolean(),
  /**
   * Where the bytes live, when they are files on a local volume: the host name and the device
   * number (stat's `dev`). The files service compares them with its own root's to avoid counting
   * twice bytes that its volume measure already holds. Absent for a database server (MariaDB, Milvus).
   */
  location: z.object({ host: z.string().max(255), device: z.string().max(32) }).optional(),
  /** How the figure was made when it is not a plain measure. */
  note: z.string().max(500).optional(),
});
export type StorageSizePart = z.infer<typeof StorageSizePart>;

const response = z.object({
  /** The store's owner: `catalog`, `logger`, `vector`. */
  owner: z.string().max(32),
  /** Sum of the parts. */
  bytes: z.number().nonnegative(),
  /** False when any part is an estimate. */
  exact: z.boolean(),
  parts: z.array(StorageSizePart).max(1000),
  measuredAt: z.iso.datetime({ offset: true }),
});

export const CatalogStorageSizeV1 = defineRequest(Requests.CatalogStorageSizeV1, z.object({}), response);
export const LoggerStorageSizeV1 = defineRequest(Requests.LoggerStorageSizeV1, z.object({}), response);
export const VectorStorageSizeV1 = defineRequest(Requests.VectorStorageSizeV1, z.object({}), response);
export type StorageSizeResponseV1 = ResponseOf<typeof CatalogStorageSizeV1>;
