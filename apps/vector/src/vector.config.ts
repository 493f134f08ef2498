import { join } from 'node:path';
import { CommonEnv, loadEnv } from '#config';
import { z } from 'zod';
import { MILVUS_CONSISTENCY_LEVELS, MILVUS_DEFAULTS, MILVUS_INDEX_TYPES, type MilvusBackendOptions } from './backends/milvus.backend.js';
import { USEARCH_DEFAULTS, type UsearchBackendOptions } from './backends/usearch.backend.js';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The variables of the vector service; every one has a default that works on one machine. */
export const VectorEnv = {
  DATA_DIR: CommonEnv.DATA_DIR,
  /**
   * usearch: embedded, in-process, one replica. milvus: a Milvus server, any number of replicas.
   * Unset: milvus when MILVUS_ADDRESS is set, else usearch.
   */
  VECTOR_BACKEND: z.enum(['usearch', 'milvus']).default('usearch'),
  /** Where the embedded backend keeps its files; default `$DATA_DIR/vector`. */
  VECTOR_DIR: z.string().optional(),
  USEARCH_CONNECTIVITY: int(4, 128, USEARCH_DEFAULTS.connectivity),
  USEARCH_EXPANSION_ADD: int(8, 4096, USEARCH_DEFAULTS.expansionAdd),
  USEARCH_EXPANSION_SEARCH: int(8, 4096, USEARCH_DEFAULTS.expansionSearch),
  USEARCH_SAVE_DEBOUNCE_MS: int(0, 600_000, USEARCH_DEFAULTS.saveDebounceMs),
  USEARCH_SAVE_MAX_WAIT_MS: int(0, 3_600_000, USEARCH_DEFAULTS.saveMaxWaitMs),
  USEARCH_EXACT_SCAN_MAX: int(0, 1_000_000, USEARCH_DEFAULTS.exactScanMax),
  USEARCH_THREADS: int(0, 256, USEARCH_DEFAULTS.threads),
  MILVUS_ADDRESS: z
    .string()
    .regex(/^(https?:\/\/)?[^\s/:]+:\d+$/, 'host:port, e.g. 127.0.0.1:19530')
    .default('127.0.0.1:19530'),
  MILVUS_TOKEN: z.string().optional(),
  MILVUS_USERNAME: z.string().optional(),
  MILVUS_PASSWORD: z.string().optional(),
  /** HNSW in production; milvus-lite (dev, tests, CI) takes FLAT, IVF_FLAT or AUTOINDEX. */
  MILVUS_INDEX_TYPE: z.enum(MILVUS_INDEX_TYPES).default(MILVUS_DEFAULTS.indexType),
  MILVUS_HNSW_M: int(4, 128, MILVUS_DEFAULTS.hnswM),
  MILVUS_HNSW_EF_CONSTRUCTION: int(8, 4096, MILVUS_DEFAULTS.hnswEfConstruction),
  MILVUS_HNSW_EF: int(1, 32768, MILVUS_DEFAULTS.hnswEf),
  MILVUS_IVF_NLIST: int(1, 65536, MILVUS_DEFAULTS.ivfNlist),
  MILVUS_IVF_NPROBE: int(1, 65536, MILVUS_DEFAULTS.ivfNprobe),
  MILVUS_CONSISTENCY: z.enum(MILVUS_CONSISTENCY_LEVELS).default(MILVUS_DEFAULTS.consistency),
  MILVUS_TIMEOUT_MS: int(100, 600_000, MILVUS_DEFAULTS.timeoutMs),
};

export type VectorConfig =
  | { backend: 'usearch'; usearch: UsearchBackendOptions }
  | { backend: 'milvus'; milvus: MilvusBackendOptions };

export function usearchOptions(env: z.infer<z.ZodObject<typeof VectorEnv>>): UsearchBackendOptions {
  return {
    dataDir: env.VECTOR_DIR ?? join(env.DATA_DIR, 'vector'),
    connectivity: env.USEARCH_CONNECTIVITY,
    expansionAdd: env.USEARCH_EXPANSION_ADD,
    expansionSearch: env.USEARCH_EXPANSION_SEARCH,
    saveDebounceMs: env.USEARCH_SAVE_DEBOUNCE_MS,
    saveMaxWaitMs: env.USEARCH_SAVE_MAX_WAIT_MS,
    exactScanMax: env.USEARCH_EXACT_SCAN_MAX,
    threads: env.USEARCH_THREADS,
  };
}

export function milvusOptions(env: z.infer<z.ZodObject<typeof VectorEnv>>): MilvusBackendOptions {
  return {
    address: env.MILVUS_ADDRESS,
    token: env.MILVUS_TOKEN,
    username: env.MILVUS_USERNAME,
    password: env.MILVUS_PASSWORD,
    indexType: env.MILVUS_INDEX_TYPE,
    hnswM: env.MILVUS_HNSW_M,
    hnswEfConstruction: env.MILVUS_HNSW_EF_CONSTRUCTION,
    hnswEf: env.MILVUS_HNSW_EF,
    ivfNlist: env.MILVUS_IVF_NLIST,
    ivfNprobe: env.MILVUS_IVF_NPROBE,
    consistency: env.MILVUS_CONSISTENCY,
    timeoutMs: env.MILVUS_TIMEOUT_MS,
  };
}

/** Reads the environment once; a bad variable stops the start with a message naming it. */
export function loadVectorConfig(env: NodeJS.ProcessEnv = process.env): VectorConfig {
  const parsed = loadEnv(VectorEnv, env);
  // A MILVUS_ADDRESS given without VECTOR_BACKEND means Milvus: the deployment names only the address.
  const backend = env.VECTOR_BACKEND ? parsed.VECTOR_BACKEND : env.MILVUS_ADDRESS ? 'milvus' : 'usearch';
  return backend === 'milvus'
    ? { backend: 'milvus', milvus: milvusOptions(parsed) }
    : { backend: 'usearch', usearch: usearchOptions(parsed) };
}
