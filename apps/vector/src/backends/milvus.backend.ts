import milvus from '@zilliz/milvus2-sdk-node';
import type { MilvusClient as MilvusClientType } from '@zilliz/milvus2-sdk-node';
import type { StoragePart } from '#database';
import { defaultBackendLogger, type BackendLogger } from './backend-logger.js';
import { filterExpression, idsExpression } from './milvus-expression.js';
import {
  VECTOR_KINDS,
  type SearchOptions,
  type StoredVector,
  type VectorBackend,
  type VectorHit,
  type VectorInput,
  type VectorKind,
  type VectorMeta,
  type VectorRow,
  type VectorSpace,
} from './vector-backend.js';
import { checkIds, checkSpace, checkVector, prepareRows, prepareSearch, storageName } from './vector-input.js';
import { VectorBackendClosedError, VectorSpaceMismatchError, VectorStoreError, VectorStoreUnavailableError } from './vector.errors.js';

// The SDK is CommonJS; its named exports are reached through the default export under ESM.
const { MilvusClient, DataType, ConsistencyLevelEnum, LoadState } = milvus;

export const MILVUS_INDEX_TYPES = ['FLAT', 'IVF_FLAT', 'HNSW', 'AUTOINDEX'] as const;
export type MilvusIndexType = (typeof MILVUS_INDEX_TYPES)[number];
export const MILVUS_CONSISTENCY_LEVELS = ['Strong', 'Session', 'Bounded', 'Eventually'] as const;
export type MilvusConsistency = (typeof MILVUS_CONSISTENCY_LEVELS)[number];

export interface MilvusBackendOptions {
  /** host:port of the Milvus gRPC endpoint. */
  address: string;
  token?: string;
  username?: string;
  password?: string;
  /** FLAT / IVF_FLAT / AUTOINDEX work on milvus-lite; HNSW (or AUTOINDEX) in production. */
  indexType: MilvusIndexType;
  hnswM: number;
  hnswEfConstruction: number;
  hnswEf: number;
  ivfNlist: number;
  ivfNprobe: number;
  /** Consistency of search and get; count is always Strong. */
  consistency: MilvusConsistency;
  timeoutMs: number;
  logger?: BackendLogger;
}

export const MILVUS_DEFAULTS: Omit<MilvusBackendOptions, 'address' | 'logger'> = {
  indexType: 'HNSW',
  hnswM: 16,
  hnswEfConstruction: 200,
  hnswEf: 64,
  ivfNlist: 1024,
  ivfNprobe: 32,
  consistency: 'Strong',
  timeoutMs: 15000,
};

const VECTOR_FIELD = 'vector';
const META_FIELDS = ['id', 'articleId', 'category', 'source', 'kind', 'createdAt'];
// VarChar max_length counts bytes: room for the character limits of vector-input.ts in UTF-8.
const MAX_BYTES = { id: 1024, category: 1024, source: 2048, kind: 64 } as const;
// The SDK assembles vector columns with Array.concat per row, which is quadratic in the batch
// size (2,000 rows of 384 floats: ~4.5 s of CPU; 256 rows: ~0.1 s), so writes go in small batches.
const WRITE_CHUNK = 256;
const READ_CHUNK = 1000;

/** gRPC status codes that mean "the server is not there (yet)". */
const UNREACHABLE_CODES = new Set([4, 14]);

interface Status {
  error_code?: string | number;
  code?: number;
  reason?: string;
}

function failed(status: Status | undefined): boolean {
  if (!status) return false;
  return (status.error_code !== undefined && status.error_code !== 'Success' && status.error_code !== 0) || (status.code ?? 0) !== 0;
}

function readyKey(space: VectorSpace): string {
  return `${space.name}\u0000${space.dim}`;
}

function toMeta(row: Record<string, unknown>): VectorMeta {
  const kind = String(row['kind']) as VectorKind;
  return {
    id: String(row['id']),
    // Int64 fields arrive as strings; article ids and epoch milliseconds fit a double exactly.
    articleId: Number(row['articleId']),
    category: String(row['category']),
    source: String(row['source']),
    kind: VECTOR_KINDS.includes(kind) ? kind : 'text',
    createdAt: new Date(Number(row['createdAt'])),
  };
}

/**
 * Production vector store: one Milvus collection per space (primary key `id`, FloatVector
 * `vector`, scalar fields for filtering), COSINE metric, index type from config.
 */
export class MilvusBackend implements VectorBackend {
  readonly backendName = 'milvus' as const;
  private client?: MilvusClientType;
  /** Spaces verified in this process, by name and dimension (so a second dim is checked, not assumed). */
  private readonly ready = new Map<string, Promise<void>>();
  private readonly logger: BackendLogger;
  private closed = false;

  constructor(private readonly options: MilvusBackendOptions) {
    this.logger = options.logger ?? defaultBackendLogger();
  }

  /** Fails with a message saying how to start Milvus when nothing answers at the address. */
  async connect(): Promise<void> {
    const client = this.connection();
    const health = await this.call('health check', () => client.checkHealth());
    if (health.isHealthy === false) {
      throw new VectorStoreUnavailableError(
        `Milvus at ${this.options.address} answers but reports itself unhealthy (${JSON.stringify(health.reasons ?? [])}).`,
      );
    }
  }

  async ensureSpace(space: VectorSpace): Promise<void> {
    checkSpace(space);
    await this.prepare(space);
  }

  async upsert(space: VectorSpace, rows: readonly VectorRow[]): Promise<{ upserted: number }> {
    checkSpace(space);
    const prepared = prepareRows(space, rows);
    await this.prepare(space);
    const collection = storageName(space.name);
    const client = this.connection();
    for (let start = 0; start < prepared.length; start += WRITE_CHUNK) {
      const data = prepared.slice(start, start + WRITE_CHUNK).map((row) => ({
        id: row.id,
        [VECTOR_FIELD]: Array.from(row.vector),
        articleId: row.articleId,
        category: row.category,
        source: row.source,
        kind: row.kind,
        createdAt: row.createdAtMs,
      }));
      const result = await this.call('upsert', () => client.upsert({ collection_name: collection, data }));
      this.check(result.status, `upsert into ${collection}`);
    }
    return { upserted: prepared.length };
  }

  async delete(space: VectorSpace, ids: readonly string[]): Promise<{ deleted: number }> {
    checkSpace(space);
    const wanted = checkIds(ids);
    if (wanted.length === 0 || !(await this.exists(space))) return { deleted: 0 };
    const collection = storageName(space.name);
    const client = this.connection();
    let deleted = 0;
    for (let start = 0; start < wanted.length; start += READ_CHUNK) {
      // Milvus reports the ids it was asked to delete, not the ones that existed; look first.
      const present = await this.query(collection, idsExpression(wanted.slice(start, start + READ_CHUNK)), ['id'], 'Strong');
      if (present.length === 0) continue;
      const expression = idsExpression(present.map((row) => String(row['id'])));
      const result = await this.call('delete', () => client.delete({ collection_name: collection, filter: expression }));
      this.check(result.status, `delete from ${collection}`);
      deleted += present.length;
    }
    return { deleted };
  }

  async search(space: VectorSpace, vector: VectorInput, options: SearchOptions): Promise<VectorHit[]> {
    checkSpace(space);
    const query = checkVector(vector, space.dim, 'query vector');
    const { k, filter, empty } = prepareSearch(options);
    if (empty || !(await this.exists(space))) return [];
    const collection = storageName(space.name);
    const client = this.connection();
    const result = await this.call('search', () =>
      client.search({
        collection_name: collection,
        anns_field: VECTOR_FIELD,
        vector: Array.from(query),
        limit: k,
        filter: filterExpression(filter),
        output_fields: META_FIELDS,
        metric_type: 'COSINE',
        params: this.searchParams(k),
        consistency_level: ConsistencyLevelEnum[this.options.consistency],
      }),
    );
    this.check(result.status, `search in ${collection}`);
    return (result.results as Record<string, unknown>[])
      .map((row) => ({ ...toMeta(row), score: Math.max(-1, Math.min(1, Number(row['score']))) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(space: VectorSpace, ids: readonly string[]): Promise<StoredVector[]> {
    checkSpace(space);
    const wanted = checkIds(ids);
    if (wanted.length === 0 || !(await this.exists(space))) return [];
    const collection = storageName(space.name);
    const found = new Map<string, StoredVector>();
    for (let start = 0; start < wanted.length; start += READ_CHUNK) {
      const rows = await this.query(
        collection,
        idsExpression(wanted.slice(start, start + READ_CHUNK)),
        [...META_FIELDS, VECTOR_FIELD],
        this.options.consistency,
      );
      for (const row of rows) {
        found.set(String(row['id']), { ...toMeta(row), vector: Float32Array.from(row[VECTOR_FIELD] as number[]) });
      }
    }
    return wanted.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  async count(space: VectorSpace): Promise<number> {
    checkSpace(space);
    if (!(await this.exists(space))) return 0;
    const rows = await this.query(storageName(space.name), '', ['count(*)'], 'Strong');
    return Number(rows[0]?.['count(*)'] ?? 0);
  }

  async dropSpace(space: VectorSpace): Promise<void> {
    checkSpace(space);
    const collection = storageName(space.name);
    this.ready.delete(readyKey(space));
    if (!(await this.hasCollection(collection))) return;
    const client = this.connection();
    const dropped = await this.call('dropCollection', () => client.dropCollection({ collection_name: collection }));
    this.check(dropped, `dropCollection ${collection}`);
  }

  /**
   * Milvus reports rows per collection, not bytes, so this is an estimate and says so: per row the
   * float32 vector twice (segment binlog and index), the graph links of HNSW (2·M 4-byte ids) and
   * ~200 bytes of scalar fields. Every collection of the database counts: the vector service is
   * the only one that writes there.
   */
  async storageSize(): Promise<StoragePart[]> {
    const client = this.connection();
    const listed = await this.call('showCollections', () => client.showCollections());
    this.check(listed.status, 'showCollections');
    const parts: StoragePart[] = [];
    for (const { name } of listed.data) {
      const described = await this.call('describeCollection', () => client.describeCollection({ collection_name: name, cache: false }));
      this.check(described.status, `describeCollection ${name}`);
      const field = described.schema.fields.find((f) => f.name === VECTOR_FIELD);
      const dim = Number(field?.type_params?.find((p) => p.key === 'dim')?.value ?? (field as { dim?: unknown } | undefined)?.dim ?? 0) || 0;
      const stats = await this.call('getCollectionStatistics', () => client.getCollectionStatistics({ collection_name: name }));
      this.check(stats.status, `getCollectionStatistics ${name}`);
      const rows = Number(stats.stats.find((s) => s.key === 'row_count')?.value ?? stats.data?.['row_count'] ?? 0) || 0;
      const links = this.options.indexType === 'HNSW' || this.options.indexType === 'AUTOINDEX' ? 2 * this.options.hnswM * 4 : 0;
      const perRow = 2 * 4 * dim + links + 200;
      parts.push({
        name: `milvus collection ${name}`,
        bytes: rows * perRow,
        method: 'estimate',
        exact: false,
        note: `${rows} rows x ${perRow} bytes (2 x 4 x ${dim}-dim vector${links ? ` + ${links} HNSW link bytes` : ''} + 200 scalar bytes); Milvus reports no bytes per collection`,
      });
    }
    return parts;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready.clear();
    const client = this.client;
    this.client = undefined;
    if (client) await client.closeConnection().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private connection(): MilvusClientType {
    if (this.closed) throw new VectorBackendClosedError('The Milvus vector backend is closed.');
    if (!this.client) {
      this.client = new MilvusClient({
        address: this.options.address,
        token: this.options.token,
        username: this.options.username,
        password: this.options.password,
        timeout: this.options.timeoutMs,
        logLevel: 'error',
      });
      // The SDK starts a handshake in its constructor that only some calls await; when the server
      // is down its rejection would otherwise surface as an unhandled rejection. The calls that
      // follow report the failure through call().
      this.client.connectPromise.catch(() => undefined);
    }
    return this.client;
  }

  /** Runs one SDK call, turning transport failures into errors that say what to do. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const message = (error as Error).message ?? String(error);
      if (typeof code === 'number' && UNREACHABLE_CODES.has(code)) {
        throw new VectorStoreUnavailableError(
          `Milvus at ${this.options.address} is not reachable (${what}: ${message}). ` +
            'For development and tests start one with `scripts/milvus.sh install && scripts/milvus.sh start`; ' +
            'otherwise set MILVUS_ADDRESS to a running Milvus, or VECTOR_BACKEND=usearch for the embedded store.',
        );
      }
      throw new VectorStoreError(`Milvus ${what} failed: ${message}`);
    }
  }

  private check(status: Status | undefined, what: string): void {
    if (!failed(status)) return;
    const reason = status?.reason || String(status?.error_code);
    const hint = /index type/i.test(reason)
      ? ' Set MILVUS_INDEX_TYPE to one the server supports (milvus-lite: FLAT, IVF_FLAT or AUTOINDEX).'
      : '';
    throw new VectorStoreError(`Milvus ${what} failed: ${reason}.${hint}`);
  }

  private async query(
    collection: string,
    filter: string,
    fields: string[],
    consistency: MilvusConsistency,
  ): Promise<Record<string, unknown>[]> {
    const client = this.connection();
    const result = await this.call('query', () =>
      client.query({
        collection_name: collection,
        filter,
        output_fields: fields,
        consistency_level: ConsistencyLevelEnum[consistency],
      }),
    );
    this.check(result.status, `query on ${collection}`);
    return result.data;
  }

  /** True when the space's collection exists and is ready (checking its shape once per process). */
  private async exists(space: VectorSpace): Promise<boolean> {
    const known = this.ready.get(readyKey(space));
    if (known) {
      await known;
      return true;
    }
    if (!(await this.hasCollection(storageName(space.name)))) return false;
    await this.prepare(space);
    return true;
  }

  /**
   * The SDK's hasCollection reads only `error_code` of a describe call, and milvus-lite answers a
   * missing collection with error_code Success and code 100; so ask describe and read both.
   */
  private async hasCollection(collection: string): Promise<boolean> {
    const client = this.connection();
    const described = await this.call('describeCollection', () =>
      client.describeCollection({ collection_name: collection, cache: false }),
    );
    if (!failed(described.status)) return true;
    if (described.status.code === 100 || /not found|not exist/i.test(described.status.reason ?? '')) return false;
    this.check(described.status, `describeCollection ${collection}`);
    return false;
  }

  private prepare(space: VectorSpace): Promise<void> {
    const key = readyKey(space);
    let ready = this.ready.get(key);
    if (!ready) {
      ready = this.createOrVerify(space);
      this.ready.set(key, ready);
      // A failed attempt is not remembered: the next call tries again.
      ready.catch(() => this.ready.delete(key));
    }
    return ready;
  }

  private async createOrVerify(space: VectorSpace): Promise<void> {
    const client = this.connection();
    const collection = storageName(space.name);
    if (!(await this.hasCollection(collection))) {
      const created = await this.call('createCollection', () =>
        client.createCollection({
          collection_name: collection,
          description: space.name,
          enable_dynamic_field: false,
          fields: [
            { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: MAX_BYTES.id },
            { name: VECTOR_FIELD, data_type: DataType.FloatVector, dim: space.dim },
            { name: 'articleId', data_type: DataType.Int64 },
            { name: 'category', data_type: DataType.VarChar, max_length: MAX_BYTES.category },
            { name: 'source', data_type: DataType.VarChar, max_length: MAX_BYTES.source },
            { name: 'kind', data_type: DataType.VarChar, max_length: MAX_BYTES.kind },
            { name: 'createdAt', data_type: DataType.Int64 },
          ],
        }),
      );
      // Another replica may have created it a moment ago; the checks below decide.
      if (failed(created) && !/already exist/i.test(created.reason ?? '')) this.check(created, `createCollection ${collection}`);
      else if (!failed(created)) this.logger.info(`created Milvus collection ${collection} for space ${space.name}`);
    }
    await this.verifyShape(space, collection);
    await this.ensureIndex(collection);
    const state = await this.call('getLoadState', () => client.getLoadState({ collection_name: collection }));
    this.check(state.status, `getLoadState ${collection}`);
    if (state.state !== LoadState.LoadStateLoaded) {
      const loaded = await this.call('loadCollection', () => client.loadCollectionSync({ collection_name: collection }));
      this.check(loaded, `loadCollection ${collection}`);
    }
  }

  private async verifyShape(space: VectorSpace, collection: string): Promise<void> {
    const client = this.connection();
    const described = await this.call('describeCollection', () =>
      client.describeCollection({ collection_name: collection, cache: false }),
    );
    this.check(described.status, `describeCollection ${collection}`);
    const field = described.schema.fields.find((f) => f.name === VECTOR_FIELD);
    const dim = Number(field?.type_params?.find((p) => p.key === 'dim')?.value ?? (field as { dim?: unknown } | undefined)?.dim);
    if (!field || dim !== space.dim) {
      throw new VectorSpaceMismatchError(
        `Milvus collection ${collection} has ${field ? `a ${dim}-dimensional` : 'no'} "${VECTOR_FIELD}" field; ` +
          `space ${space.name} needs ${space.dim}. A new model or dimension needs a new space name.`,
      );
    }
    // The space name is kept as the collection's description: two names sanitised alike would
    // differ in their hash suffix anyway, this also catches a collection made by something else.
    const owner = described.schema.description;
    if (owner && owner !== space.name) {
      throw new VectorSpaceMismatchError(`Milvus collection ${collection} belongs to space ${owner}, not ${space.name}.`);
    }
  }

  private async ensureIndex(collection: string): Promise<void> {
    const client = this.connection();
    const described = await this.call('describeIndex', () =>
      client.describeIndex({ collection_name: collection, field_name: VECTOR_FIELD }),
    );
    if (!failed(described.status) && described.index_descriptions.length > 0) {
      const params = described.index_descriptions[0]!.params;
      const metric = params.find((p) => p.key === 'metric_type')?.value;
      if (metric && metric !== 'COSINE') {
        throw new VectorSpaceMismatchError(`Milvus collection ${collection} is indexed with ${metric}, not COSINE.`);
      }
      return;
    }
    const created = await this.call('createIndex', () =>
      client.createIndex({
        collection_name: collection,
        field_name: VECTOR_FIELD,
        index_name: VECTOR_FIELD,
        index_type: this.options.indexType,
        metric_type: 'COSINE',
        params: this.indexParams(),
      }),
    );
    this.check(created, `createIndex ${this.options.indexType} on ${collection}`);
  }

  private indexParams(): Record<string, number> {
    switch (this.options.indexType) {
      case 'HNSW':
        return { M: this.options.hnswM, efConstruction: this.options.hnswEfConstruction };
      case 'IVF_FLAT':
        return { nlist: this.options.ivfNlist };
      default:
        return {};
    }
  }

  private searchParams(k: number): Record<string, number> {
    switch (this.options.indexType) {
      case 'HNSW':
        return { ef: Math.max(this.options.hnswEf, k) };
      case 'IVF_FLAT':
        return { nprobe: Math.min(this.options.ivfNprobe, this.options.ivfNlist) };
      default:
        return {};
    }
  }
}
