import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ChecksumLedger, LEDGER_NAME, type FileIdentity } from './checksum-ledger.js';
import { SafePathResolver, type ResolvedPath } from './safe-path.js';
import {
  ChecksumMismatchError,
  ChecksumRequiredError,
  errnoCode,
  FileNotFoundError,
  FileTooLargeError,
  isStorageFull,
  KeyConflictError,
  LengthMismatchError,
  StorageFullError,
  UnsafePathError,
} from './storage.errors.js';

/** Uploads in flight live here, on the same filesystem as the files (link() needs that). */
export const TEMP_DIR = '.tmp';
const SHA256 = /^[0-9a-f]{64}$/;

export interface FileStoreOptions {
  root: string;
  maxUploadBytes: number;
}

export interface WriteOptions {
  /** The header value, or a getter read after the body ended (HTTP trailer). */
  declaredSha256: string | undefined | (() => string | undefined);
  /** Content-Length, when the client sent one. */
  expectedBytes?: number;
  /** This upload's own limit (its allocation's), below the store's ceiling; enforced while streaming. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface WriteResult {
  key: string;
  /** false: the key already held exactly these bytes (idempotent re-upload). */
  created: boolean;
  bytes: number;
  sha256: string;
}

export interface StoredFile {
  key: string;
  bytes: number;
  /** null only when asked not to hash a file whose ledger line is missing. */
  sha256: string | null;
  modifiedAt: Date;
}

export interface OpenedFile extends StoredFile {
  handle: FileHandle;
}

type StorageFullListener = (error: StorageFullError) => void;

/**
 * The only code that touches the file root. Writes are atomic: bytes go to a temp file under
 * `.tmp/`, are fsynced and checked against the declared SHA-256, then hard-linked to the key's
 * path. link() fails instead of replacing, so the first complete upload wins, a reader sees either
 * no file or the whole file, and keys are immutable.
 */
export class FileStore {
  private readonly ledger = new ChecksumLedger();
  private readonly fullListeners: StorageFullListener[] = [];

  protected constructor(
    readonly paths: SafePathResolver,
    private readonly options: FileStoreOptions,
  ) {}

  static async open(options: FileStoreOptions): Promise<FileStore> {
    const paths = await SafePathResolver.open(options.root);
    await mkdir(join(paths.root, TEMP_DIR), { recursive: true, mode: 0o700 });
    return new this(paths, options);
  }

  get root(): string {
    return this.paths.root;
  }

  get maxUploadBytes(): number {
    return this.options.maxUploadBytes;
  }

  /** Called on ENOSPC/EDQUOT, so retention can start a sweep. */
  onStorageFull(listener: StorageFullListener): void {
    this.fullListeners.push(listener);
  }

  async write(key: string, body: Readable, options: WriteOptions): Promise<WriteResult> {
    const target = await this.paths.resolve(key);
    if (typeof options.declaredSha256 === 'string' && !SHA256.test(options.declaredSha256)) throw new ChecksumRequiredError();
    const [limit, source] =
      options.maxBytes !== undefined && options.maxBytes < this.options.maxUploadBytes
        ? [options.maxBytes, 'the allocation of this key']
        : [this.options.maxUploadBytes, 'FILES_MAX_UPLOAD_BYTES'];
    if (options.expectedBytes !== undefined && options.expectedBytes > limit) throw new FileTooLargeError(limit, source);
    const temp = join(this.paths.root, TEMP_DIR, `${randomBytes(12).toString('hex')}.part`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      const hash = createHash('sha256');
      let bytes = 0;
      // A plain loop rather than pipeline(): a client abort surfaces here as the iterator's error,
      // and a FileHandle stays ours to fsync and close.
      for await (const chunk of body as AsyncIterable<Buffer>) {
        options.signal?.throwIfAborted();
        bytes += chunk.length;
        if (bytes > limit) throw new FileTooLargeError(limit, source);
        hash.update(chunk);
        await this.writeChunk(handle, chunk);
      }
      options.signal?.throwIfAborted();
      if (options.expectedBytes !== undefined && bytes !== options.expectedBytes) {
        throw new LengthMismatchError(options.expectedBytes, bytes);
      }
      const declared = typeof options.declaredSha256 === 'function' ? options.declaredSha256() : options.declaredSha256;
      if (declared === undefined || !SHA256.test(declared)) throw new ChecksumRequiredError();
      const actual = hash.digest('hex');
      if (actual !== declared) throw new ChecksumMismatchError(declared, actual);
      await handle.sync();
      const identity = identityOf(await handle.stat({ bigint: true }));
      await handle.close();
      handle = undefined;
      const created = await this.commit(target, temp, actual, identity);
      return { key: target.parsed.key, created, bytes, sha256: actual };
    } catch (error) {
      throw this.translate(error);
    } finally {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Writes one chunk completely; a seam for tests that simulate a failing disk. */
  protected async writeChunk(handle: FileHandle, chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  }

  private async commit(target: ResolvedPath, temp: string, sha256: string, identity: FileIdentity): Promise<boolean> {
    // A sweep may remove an emptied folder between our mkdir and link; a few tries cover it.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.paths.ensureDir(target);
        // The line goes in before the link: once linked, the file is complete and described.
        await this.ledger.append(target.dir, target.parsed.name, sha256, identity);
        await link(temp, target.file);
        await fsyncDir(target.dir);
        return true;
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'EEXIST') {
          const existing = await this.stat(target.parsed.key, { checksum: 'compute' });
          if (existing?.sha256 === sha256) return false;
          throw new KeyConflictError(target.parsed.key);
        }
        if (code === 'ENOENT' && attempt < 3) continue;
        throw error;
      }
    }
  }

  private translate(error: unknown): unknown {
    if (!isStorageFull(error)) return error;
    const full = new StorageFullError(errnoCode(error) ?? 'ENOSPC');
    for (const listener of this.fullListeners) listener(full);
    return full;
  }

  /** Size, checksum and time of a stored file, or null. */
  async stat(key: string, options: { checksum: 'ledger' | 'compute' }): Promise<StoredFile | null> {
    try {
      const opened = await this.openRead(key, options);
      await opened.handle.close();
      const { handle: _handle, ...stored } = opened;
      return stored;
    } catch (error) {
      if (error instanceof FileNotFoundError) return null;
      throw error;
    }
  }

  /** Opens a stored file for reading; the caller closes `handle`. Never follows a symlink. */
  async openRead(key: string, options: { checksum: 'ledger' | 'compute' }): Promise<OpenedFile> {
    const target = await this.paths.resolve(key);
    let handle: FileHandle;
    try {
      // resolve() proved the folder has no symlink on the way; O_NOFOLLOW covers the file itself.
      handle = await open(target.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileNotFoundError(target.parsed.key);
      if (code === 'ELOOP') throw new UnsafePathError(`Refusing key ${target.parsed.key}: it is a symbolic link`);
      throw error;
    }
    try {
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) throw new UnsafePathError(`Refusing key ${target.parsed.key}: not a regular file`);
      const identity = identityOf(info);
      let sha256 = await this.ledger.lookup(target.dir, target.parsed.name, identity);
      if (sha256 === null && options.checksum === 'compute') {
        sha256 = await this.ledger.heal(target.dir, target.parsed.name, identity);
      }
      return {
        key: target.parsed.key,
        bytes: Number(info.size),
        sha256,
        modifiedAt: new Date(Number(info.mtimeNs / 1_000_000n)),
        handle,
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Deletes a file and the folders it leaves empty (its ledger goes with the last file), so an
   * owner's folder disappears with its last part. Returns the bytes freed, or null if it was gone.
   */
  async remove(key: string): Promise<{ bytes: number } | null> {
    const target = await this.paths.resolve(key);
    let bytes: number;
    try {
      bytes = (await stat(target.file)).size;
      await unlink(target.file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        await this.pruneFolders(target);
        return null;
      }
      throw error;
    }
    await this.pruneFolders(target);
    return { bytes };
  }

  private async pruneFolders(target: ResolvedPath): Promise<void> {
    const segments = target.parsed.folder.split('/');
    for (let depth = segments.length; depth > 0; depth--) {
      const dir = join(this.paths.root, ...segments.slice(0, depth));
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') continue;
        throw error;
      }
      if (entries.some((entry) => entry !== LEDGER_NAME)) return;
      await unlink(join(dir, LEDGER_NAME)).catch(() => undefined);
      try {
        await rmdir(dir);
      } catch (error) {
        // A writer got there first: its file now lives here, and the ledger heals on first read.
        const code = errnoCode(error);
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
        if (code !== 'ENOENT') throw error;
      }
    }
  }

  /** Removes temp files left by crashed uploads; younger ones may belong to a live upload. */
  async cleanTemps(olderThanMs: number): Promise<number> {
    const dir = join(this.paths.root, TEMP_DIR);
    let removed = 0;
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      try {
        const info = await stat(path);
        if (Date.now() - info.mtimeMs < olderThanMs) continue;
        await unlink(path);
        removed++;
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
      }
    }
    return removed;
  }
}

function identityOf(info: { size: bigint; mtimeNs: bigint; ino: bigint }): FileIdentity {
  return { size: info.size, mtimeNs: info.mtimeNs, ino: info.ino };
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
