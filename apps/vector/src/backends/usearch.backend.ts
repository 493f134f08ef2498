import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { fileLocation, type StoragePart } from '#database';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { defaultBackendLogger, type BackendLogger } from './backend-logger.js';
import { DataDirLock } from './data-dir.lock.js';
import type { KeyedMeta, SpaceRecord } from './usearch-metadata.repository.js';
import { UsearchMetadataRepository } from './usearch-metadata.repository.js';
import type {
  SearchOptions,
  StoredVector,
  VectorBackend,
  VectorHit,
  VectorInput,
  VectorRow,
  VectorSpace,
} from './vector-backend.js';
import {
  checkIds,
  checkSpace,
  checkVector,
  hasFilter,
  prepareRows,
  prepareSearch,
  storageName,
  type PreparedFilter,
} from './vector-input.js';
import { dot } from './vector-math.js';
import { VectorBackendClosedError, VectorSpaceMismatchError } from './vector.errors.js';


/** Spaces up to this many rows are searched exactly. */
const SMALL_SPACE = 256;
export interface UsearchBackendOptions {
  /** Holds `vectors.sqlite` (rows and metadata) and one `<space>.usearch` file per space. */
  dataDir: string;
  /** HNSW M: graph edges per node. More = better recall, more memory, slower inserts. */
  connectivity: number;
  /** ef during construction. */
  expansionAdd: number;
  /** ef during search (raised to k when k is larger). */
  expansionSearch: number;
  /** Save an index this long after its last change... */
  saveDebounceMs: number;
  /** ...but no later than this after its first unsaved change. */
  saveMaxWaitMs: number;
  /**
   * Upper bound for scanning a filter's matching rows exactly instead of post-filtering the
   * index (the actual cut-off is sqrt(k · rows), at least 256, at most this).
   */
  exactScanMax: number;
  /** Threads for batch inserts; 0 = one per core. */
  threads: number;
  logger?: BackendLogger;
}

export const USEARCH_DEFAULTS: Omit<UsearchBackendOptions, 'dataDir' | 'logger'> = {
  connectivity: 16,
  expansionAdd: 64,
  expansionSearch: 64,
  saveDebounceMs: 2000,
  saveMaxWaitMs: 30000,
  exactScanMax: 4096,
  threads: 0,
};

interface OpenSpace {
  record: SpaceRecord;
  index: Index;
  path: string;
  dirty: boolean;
  firstDirtyAt: number;
  timer?: NodeJS.Timeout;
}

const REBUILD_PAGE = 8192;

/** Size and SHA-256 of a file, read in chunks (index files reach hundreds of MB). */
function digest(path: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      bytes += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function keysOf(keys: readonly number[]): BigUint64Array {
  return BigUint64Array.from(keys, (key) => BigInt(key));
}

function byScore(a: VectorHit, b: VectorHit): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function hit(meta: KeyedMeta, score: number): VectorHit {
  // Float rounding can put a self-match a hair above 1.
  const clamped = Math.max(-1, Math.min(1, score));
  return {
    id: meta.id,
    score: clamped,
    articleId: meta.articleId,
    category: meta.category,
    source: meta.source,
    kind: meta.kind,
    createdAt: meta.createdAt,
  };
}

/**
 * Embedded vector store: one in-process HNSW index (usearch) per space, persisted to the data
 * directory, with SQLite as the table of record for ids, metadata and the vectors themselves.
 *
 * Every write commits to SQLite first and then updates the in-memory index in the same
 * synchronous step; index files are written on a debounce and on close (temp file + rename, so a
 * crash leaves the previous file whole). At start each index is reconciled with SQLite, so a crash
 * costs at most a replay of the changes made since the last save.
 */
export class UsearchBackend implements VectorBackend {
  readonly backendName = 'usearch' as const;
  private readonly spaces = new Map<string, OpenSpace>();
  private closed = false;

  private constructor(
    private readonly options: UsearchBackendOptions,
    private readonly repository: UsearchMetadataRepository,
    private readonly lock: DataDirLock,
    private readonly logger: BackendLogger,
  ) {}

  /** Opens the data directory (creating it), takes its lock and loads every space's index. */
  static async open(options: UsearchBackendOptions): Promise<UsearchBackend> {
    mkdirSync(options.dataDir, { recursive: true });
    const lock = DataDirLock.acquire(options.dataDir);
    let repository: UsearchMetadataRepository | undefined;
    try {
      repository = new UsearchMetadataRepository(join(options.dataDir, 'vectors.sqlite'));
      const backend = new UsearchBackend(options, repository, lock, options.logger ?? defaultBackendLogger());
      for (const record of repository.listSpaces()) backend.load(record);
      return backend;
    } catch (error) {
      repository?.close();
      lock.release();
      throw error;
    }
  }

  async ensureSpace(space: VectorSpace): Promise<void> {
    this.open(space, true);
  }

  async upsert(space: VectorSpace, rows: readonly VectorRow[]): Promise<{ upserted: number }> {
    checkSpace(space);
    const prepared = prepareRows(space, rows);
    const open = this.open(space, true);
    if (prepared.length === 0) return { upserted: 0 };
    const { added, removed } = this.repository.replaceRows(open.record.sid, prepared);
    try {
      if (removed.length > 0) open.index.remove(keysOf(removed));
      const matrix = new Float32Array(prepared.length * space.dim);
      prepared.forEach((row, i) => matrix.set(row.vector, i * space.dim));
      open.index.add(keysOf(added), matrix, this.addThreads(prepared.length));
    } catch (error) {
      // SQLite already holds the rows; bring the index back in line with it before failing.
      this.reconcile(open);
      throw error;
    }
    this.scheduleSave(open);
    return { upserted: prepared.length };
  }

  async delete(space: VectorSpace, ids: readonly string[]): Promise<{ deleted: number }> {
    checkSpace(space);
    const wanted = checkIds(ids);
    const open = this.open(space, false);
    if (!open || wanted.length === 0) return { deleted: 0 };
    const removed = this.repository.deleteIds(open.record.sid, wanted);
    if (removed.length > 0) {
      open.index.remove(keysOf(removed));
      this.scheduleSave(open);
    }
    return { deleted: removed.length };
  }

  async search(space: VectorSpace, vector: VectorInput, options: SearchOptions): Promise<VectorHit[]> {
    checkSpace(space);
    const query = checkVector(vector, space.dim, 'query vector');
    const { k, filter, empty } = prepareSearch(options);
    const open = this.open(space, false);
    if (!open || empty || open.index.size() === 0) return [];
    const total = open.index.size();
    // A small space is scanned exactly: it costs microseconds, and HNSW built by concurrent inserts
    // can miss a neighbour even among a hundred vectors (seen in 1 of 6 runs of the contract suite).
    if (!hasFilter(filter)) return total <= SMALL_SPACE ? this.exactSearch(open, query, k, filter) : this.annSearch(open, query, k, filter, k);

    // Exact scan over the matching rows costs ~m row reads; post-filtering the index needs a fetch
    // of ~k·total/m. They break even near m = sqrt(k·total), so that is where the exact path stops.
    const exactUpTo = Math.min(this.options.exactScanMax, Math.max(256, Math.round(Math.sqrt(k * total))));
    const matching = this.repository.countUpTo(open.record.sid, filter, exactUpTo + 1);
    if (matching === 0) return [];
    if (matching <= exactUpTo) return this.exactSearch(open, query, k, filter);
    // Many rows match: ask the index for more than k and keep the matches, growing the fetch
    // until k are found or the whole index has been returned.
    let fetch = Math.min(total, Math.max(4 * k, 64));
    for (;;) {
      const hits = this.annSearch(open, query, k, filter, fetch);
      if (hits.length >= k || fetch >= total) return hits;
      fetch = Math.min(total, fetch * 4);
    }
  }

  async get(space: VectorSpace, ids: readonly string[]): Promise<StoredVector[]> {
    checkSpace(space);
    const wanted = checkIds(ids);
    const open = this.open(space, false);
    if (!open) return [];
    const found = new Map(this.repository.vectorsByIds(open.record.sid, wanted).map((row) => [row.id, row]));
    return wanted.flatMap((id) => {
      const row = found.get(id);
      if (!row) return [];
      const { key: _key, ...stored } = row;
      return [stored];
    });
  }

  async count(space: VectorSpace): Promise<number> {
    checkSpace(space);
    const open = this.open(space, false);
    return open ? this.repository.count(open.record.sid) : 0;
  }

  async dropSpace(space: VectorSpace): Promise<void> {
    const open = this.open(space, false);
    if (!open) return;
    clearTimeout(open.timer);
    this.spaces.delete(space.name);
    this.repository.dropSpace(open.record.sid);
    rmSync(open.path, { force: true });
    rmSync(`${open.path}.tmp`, { force: true });
  }

  /**
   * The files of the data directory as they are on disk: the index files (as of their last save;
   * changes since live in memory and in SQLite) and the metadata SQLite with its WAL.
   */
  async storageSize(): Promise<StoragePart[]> {
    this.assertOpen();
    const dir = this.options.dataDir;
    const location = fileLocation(dir);
    const parts: StoragePart[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(dir, entry.name);
      let bytes: number;
      try {
        bytes = statSync(path).size;
      } catch {
        continue; // a temp file renamed or removed meanwhile
      }
      parts.push({ name: path, bytes, method: 'files', exact: true, ...(location ? { location } : {}) });
    }
    return parts;
  }

  /** Saves what is unsaved now (the debounce does it anyway; useful before a backup). */
  async flush(): Promise<void> {
    this.assertOpen();
    for (const open of this.spaces.values()) this.save(open);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const open of this.spaces.values()) {
        clearTimeout(open.timer);
        try {
          this.save(open);
        } catch (error) {
          // SQLite keeps every row; the next start rebuilds what this save could not write.
          this.logger.error(`saving vector index ${open.path} at close failed: ${(error as Error).message}`);
        }
      }
    } finally {
      this.spaces.clear();
      this.repository.close();
      this.lock.release();
    }
  }

  /** Lets a NestJS module close the backend at shutdown. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new VectorBackendClosedError('The usearch vector backend is closed.');
  }

  private open(space: VectorSpace, create: true): OpenSpace;
  private open(space: VectorSpace, create: false): OpenSpace | undefined;
  private open(space: VectorSpace, create: boolean): OpenSpace | undefined {
    this.assertOpen();
    checkSpace(space);
    const existing = this.spaces.get(space.name);
    if (existing) {
      if (existing.record.dim !== space.dim || existing.record.metric !== space.metric) {
        throw new VectorSpaceMismatchError(
          `Space ${space.name} exists with dim ${existing.record.dim} and metric ${existing.record.metric}; ` +
            `asked for dim ${space.dim} and ${space.metric}. A new model or dimension needs a new space name.`,
        );
      }
      return existing;
    }
    if (!create) return undefined;
    const record = this.repository.createSpace(space.name, storageName(space.name), space.dim, space.metric);
    return this.load(record);
  }

  private newIndex(dim: number): Index {
    // Inner product on unit vectors is cosine similarity without re-normalising at every distance.
    return new Index({
      dimensions: dim,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: this.options.connectivity,
      expansion_add: this.options.expansionAdd,
      expansion_search: this.options.expansionSearch,
      multi: false,
    });
  }

  private load(record: SpaceRecord): OpenSpace {
    const path = join(this.options.dataDir, `${record.storage}.usearch`);
    const open: OpenSpace = { record, index: this.newIndex(record.dim), path, dirty: false, firstDirtyAt: 0 };
    if (existsSync(path)) {
      try {
        // usearch crashes the process on a damaged file instead of throwing, so nothing is loaded
        // that does not match the digest recorded when it was saved.
        if (!this.intact(record, path)) throw new Error('it does not match the size and SHA-256 recorded at its last save');
        open.index.load(path);
        if (open.index.dimensions() !== record.dim) throw new Error(`the file holds ${open.index.dimensions()} dimensions`);
      } catch (error) {
        this.logger.warn(`vector index ${path} is not usable (${(error as Error).message}); rebuilding it from SQLite`);
        open.index = this.newIndex(record.dim);
      }
    }
    this.spaces.set(record.name, open);
    this.reconcile(open);
    return open;
  }

  private intact(record: SpaceRecord, path: string): boolean {
    if (record.indexBytes === null || record.indexSha256 === null) return false;
    if (statSync(path).size !== record.indexBytes) return false;
    return digest(path).sha256 === record.indexSha256;
  }

  /**
   * Makes the index hold exactly the keys of SQLite. Keys are never reused, so after replaying
   * removals (tombstones) and adding missing keys, equal sizes mean equal key sets.
   */
  private reconcile(open: OpenSpace): void {
    const sid = open.record.sid;
    let changed = false;
    const tombstones = this.repository.tombstones(sid);
    if (tombstones.length > 0) {
      const removed = open.index.remove(keysOf(tombstones));
      changed = (Array.isArray(removed) ? removed : [removed]).some((n) => n > 0);
    }
    const keys = this.repository.keys(sid);
    if (keys.length > 0) {
      const present = open.index.contains(keysOf(keys));
      const flags = Array.isArray(present) ? present : [present];
      const missing = keys.filter((_, i) => !flags[i]);
      for (let start = 0; start < missing.length; start += REBUILD_PAGE) {
        const page = this.repository.vectorsByKeys(sid, missing.slice(start, start + REBUILD_PAGE));
        this.addAll(open, page);
        changed = true;
      }
    }
    if (open.index.size() !== keys.length) {
      this.logger.warn(
        `vector index of ${open.record.name} holds ${open.index.size()} vectors, SQLite ${keys.length}; rebuilding`,
      );
      this.rebuild(open);
      changed = true;
    }
    if (changed) {
      this.logger.info(`vector index of ${open.record.name} repaired from SQLite (${keys.length} vectors)`);
      open.dirty = true;
      this.save(open);
    } else if (tombstones.length > 0) {
      this.repository.clearTombstones(sid);
    }
  }

  private rebuild(open: OpenSpace): void {
    open.index = this.newIndex(open.record.dim);
    let after = 0;
    for (;;) {
      const page = this.repository.vectorPage(open.record.sid, after, REBUILD_PAGE);
      if (page.length === 0) return;
      this.addAll(open, page);
      after = page[page.length - 1]!.key;
    }
  }

  private addAll(open: OpenSpace, rows: readonly { key: number; vector: Float32Array }[]): void {
    if (rows.length === 0) return;
    const dim = open.record.dim;
    const matrix = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => matrix.set(row.vector, i * dim));
    open.index.add(keysOf(rows.map((row) => row.key)), matrix, this.addThreads(rows.length));
  }

  private addThreads(rows: number): number {
    // Spawning a pool for a handful of vectors costs more than it saves.
    if (rows < 64) return 1;
    return this.options.threads;
  }

  private annSearch(open: OpenSpace, query: Float32Array, k: number, filter: PreparedFilter, fetch: number): VectorHit[] {
    // `query` must own its buffer: usearch's native code ignores a typed array's byteOffset, so a
    // subarray would be read from the wrong place. checkVector always returns a fresh array.
    const matches = open.index.search(query, fetch, 1);
    const scores = new Map<number, number>();
    for (let i = 0; i < matches.keys.length; i++) {
      scores.set(Number(matches.keys[i]!), 1 - matches.distances[i]!);
    }
    const rows = this.repository.metaByKeys(open.record.sid, [...scores.keys()], filter);
    return rows
      .map((row) => hit(row, scores.get(row.key)!))
      .sort(byScore)
      .slice(0, k);
  }

  private exactSearch(open: OpenSpace, query: Float32Array, k: number, filter: PreparedFilter): VectorHit[] {
    return this.repository
      .matchingVectors(open.record.sid, filter)
      .map((row) => hit(row, dot(query, row.vector)))
      .sort(byScore)
      .slice(0, k);
  }

  private scheduleSave(open: OpenSpace): void {
    const now = Date.now();
    if (!open.dirty) {
      open.dirty = true;
      open.firstDirtyAt = now;
    }
    clearTimeout(open.timer);
    const delay = Math.max(0, Math.min(this.options.saveDebounceMs, open.firstDirtyAt + this.options.saveMaxWaitMs - now));
    open.timer = setTimeout(() => {
      try {
        this.save(open);
      } catch (error) {
        // SQLite still has every row; the next save or the next start's reconcile catches up.
        this.logger.error(`saving vector index ${open.path} failed: ${(error as Error).message}`);
      }
    }, delay);
    // A pending save must not keep the process alive; close() and the next start cover it.
    open.timer.unref();
  }

  private save(open: OpenSpace): void {
    if (!open.dirty) return;
    clearTimeout(open.timer);
    const temp = `${open.path}.tmp`;
    try {
      open.index.save(temp);
      const fd = openSync(temp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const written = digest(temp);
      // Recorded before the rename: a crash in between leaves a mismatch, and the next start rebuilds.
      this.repository.setIndexDigest(open.record.sid, written.bytes, written.sha256);
      open.record.indexBytes = written.bytes;
      open.record.indexSha256 = written.sha256;
      renameSync(temp, open.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.syncDir();
    // The file now reflects every removal so far.
    this.repository.clearTombstones(open.record.sid);
    open.dirty = false;
  }

  private syncDir(): void {
    try {
      const fd = openSync(this.options.dataDir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Some file systems refuse fsync on a directory; the rename is still atomic there.
    }
  }
}
