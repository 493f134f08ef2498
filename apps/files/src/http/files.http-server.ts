import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'winston';
import { contentTypeOf } from '../storage/content-type.js';
import type { FileStore, WriteResult } from '../storage/file-store.js';
import { parseKey } from '../storage/key-layout.js';
import {
  ChecksumRequiredError,
  FileTooLargeError,
  KeyConflictError,
  RangeNotSatisfiableError,
  StorageError,
  StorageFullError,
} from '../storage/storage.errors.js';
import { parseRange } from './byte-range.js';

export const FILES_PATH = '/v1/files/';
const SHA256 = /^[0-9a-f]{64}$/;

export interface FilesHttpOptions {
  host: string;
  port: number;
  /** A socket with no traffic for this long is closed (slow or stalled clients). */
  idleTimeoutMs: number;
  /** Request line and headers must arrive within this time (slowloris). */
  headersTimeoutMs: number;
  /** An upload body that stops arriving for this long is cut. */
  bodyTimeoutMs?: number;
  /** An upload slower than this (bytes per second, averaged over each body-timeout window) is cut; 0: off. */
  minBodyBytesPerSecond?: number;
  /** Checks the bearer token of a request; absent: no authentication (tools, tests of the store). */
  authorize?: (token: string) => boolean;
  /**
   * Checks the bearer token of a PUT: an upload grant for exactly this key, from files.allocate.v1,
   * with the size limit of that allocation. Absent: any authorized PUT (tools, tests of the store).
   */
  authorizeWrite?: (token: string, key: string) => { ok: true; maxBytes: number } | { ok: false; problem: string };
}

export interface FilesHttpHooks {
  /** Runs after every successful PUT (new or identical); a throw turns the answer into 503. */
  afterWrite?: (result: WriteResult) => Promise<void>;
  /** False when the volume clearly cannot take `bytes` more: answer 507 before reading the body. */
  hasRoomFor?: (bytes: number) => Promise<boolean>;
  /** Called when a writer is refused up front because its Content-Length exceeds the free space. */
  onStorageFull?: () => void;
}

class RegistryUnavailableError extends StorageError {
  override readonly name = 'RegistryUnavailableError';
  readonly status = 503;
  override readonly code = 'registry-unavailable';
}

class MethodNotAllowedError extends StorageError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
  override readonly code = 'method-not-allowed';
}

class UnauthorizedError extends StorageError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  override readonly code = 'unauthorized';
}

class NotAllocatedError extends StorageError {
  override readonly name = 'NotAllocatedError';
  readonly status = 403;
  override readonly code = 'not-allocated';
}

class SlowBodyError extends StorageError {
  override readonly name = 'SlowBodyError';
  readonly status = 408;
  override readonly code = 'slow-body';
}

class RouteNotFoundError extends StorageError {
  override readonly name = 'RouteNotFoundError';
  readonly status = 404;
  override readonly code = 'no-route';
}

/**
 * The bytes API: `PUT|GET|HEAD /v1/files/<key>`. Deleting is retention's job and is not exposed.
 * Everything from the network is untrusted: the key goes through the strict grammar and the
 * symlink walk, the checksum is recomputed, the length is enforced while streaming.
 */
export class FilesHttpServer {
  private server: Server | undefined;
  private url: string | undefined;

  constructor(
    private readonly store: FileStore,
    private readonly options: FilesHttpOptions,
    private readonly logger: Logger,
    private readonly hooks: FilesHttpHooks = {},
  ) {}

  /** Starts listening; resolves to the base URL (with the real port when port 0 was asked). */
  async listen(): Promise<string> {
    const server = createServer({ requestTimeout: 0, headersTimeout: this.options.headersTimeoutMs }, (req, res) => {
      void this.handle(req, res, false);
    });
    server.on('checkContinue', (req, res) => void this.handle(req, res, true));
    // Without a 'timeout' listener node destroys the idle socket, which is what we want.
    server.timeout = this.options.idleTimeoutMs;
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  get baseUrl(): string {
    if (!this.url) throw new Error('The files HTTP server is not listening yet');
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    const started = Date.now();
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/v1/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        if (expectContinue) res.writeContinue();
        return this.json(res, 200, { ok: true });
      }
      if (!path.startsWith(FILES_PATH)) throw new RouteNotFoundError(`No route ${path}; files live under ${FILES_PATH}<key>`);
      const key = path.slice(FILES_PATH.length);
      if (req.method === 'PUT' && this.options.authorizeWrite) {
        const maxBytes = this.authorizeWrite(req, res, key);
        return await this.put(req, res, key, expectContinue, maxBytes);
      }
      this.authenticate(req, res);
      switch (req.method) {
        case 'PUT':
          return await this.put(req, res, key, expectContinue);
        case 'GET':
        case 'HEAD':
          if (expectContinue) res.writeContinue();
          return await this.get(req, res, key, req.method === 'HEAD');
        default:
          res.setHeader('Allow', 'GET, HEAD, PUT');
          throw new MethodNotAllowedError(`${req.method} is not supported on files; use GET, HEAD or PUT`);
      }
    } catch (error) {
      this.fail(req, res, error);
    } finally {
      this.logger.debug(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms`, { context: 'FilesHttpServer' });
    }
  }

  /** Every method on a file needs `Authorization: Bearer <FILES_TOKEN or a token signed with it>`. */
  private authenticate(req: IncomingMessage, res: ServerResponse): void {
    if (!this.options.authorize) return;
    const match = /^Bearer\s+(\S{1,512})$/i.exec(headerValue(req, 'authorization') ?? '');
    if (match && this.options.authorize(match[1]!)) return;
    res.setHeader('WWW-Authenticate', 'Bearer realm="files"');
    throw new UnauthorizedError('A valid bearer token is required: ask files.endpoint.v1 for one');
  }

  /**
   * A PUT needs the upload grant files.allocate.v1 gave for exactly this key: no token, or a
   * forged one, is 401; a valid read token or a grant for another key is 403 (not allocated).
   * Returns the allocation's size limit.
   */
  private authorizeWrite(req: IncomingMessage, res: ServerResponse, key: string): number {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(headerValue(req, 'authorization') ?? '');
    const token = match?.[1];
    const grant = token !== undefined ? this.options.authorizeWrite!(token, key) : null;
    if (grant?.ok) return grant.maxBytes;
    if (token !== undefined && (grant?.problem === 'other-key' || this.options.authorize?.(token))) {
      throw new NotAllocatedError(`${key.slice(0, 200)} was not allocated to this caller: PUT needs the uploadToken files.allocate.v1 returned with the key`);
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="files"');
    const expired = grant?.problem === 'expired' ? ' (the upload token expired: allocate the key again for a fresh one)' : '';
    throw new UnauthorizedError(`PUT needs the uploadToken files.allocate.v1 returned with the key${expired}`);
  }

  private async put(req: IncomingMessage, res: ServerResponse, key: string, expectContinue: boolean, maxBytes?: number): Promise<void> {
    parseKey(key);
    const header = headerValue(req, 'x-content-sha256')?.toLowerCase();
    const trailerAnnounced = (headerValue(req, 'trailer') ?? '')
      .toLowerCase()
      .split(',')
      .some((name) => name.trim() === 'x-content-sha256');
    if (header !== undefined && !SHA256.test(header)) throw new ChecksumRequiredError();
    if (header === undefined && !trailerAnnounced) throw new ChecksumRequiredError();
    const length = contentLength(req);
    if (length !== undefined && length > this.store.maxUploadBytes) throw new FileTooLargeError(this.store.maxUploadBytes);
    if (length !== undefined && maxBytes !== undefined && length > maxBytes) throw new FileTooLargeError(maxBytes, 'the allocation of this key');
    if (length !== undefined && this.hooks.hasRoomFor && !(await this.hooks.hasRoomFor(length))) {
      this.hooks.onStorageFull?.();
      throw new StorageFullError(`${length} bytes do not fit on the volume`);
    }
    if (header !== undefined) {
      // Answer an identical re-upload (or a conflicting one) before the client sends the body.
      const existing = await this.store.stat(key, { checksum: 'compute' });
      if (existing && existing.sha256 !== header) throw new KeyConflictError(existing.key);
      if (existing) {
        const result = { key: existing.key, created: false, bytes: existing.bytes, sha256: header };
        return await this.written(req, res, result);
      }
    }
    if (expectContinue) res.writeContinue();
    // A declared body that does not come holds a socket and a temp file: cut it after a short silence.
    if (this.options.bodyTimeoutMs) req.socket.setTimeout(this.options.bodyTimeoutMs);
    const abort = new AbortController();
    req.once('close', () => {
      if (!req.complete) abort.abort(new Error('the client closed the connection before the body ended'));
    });
    const stopRate = this.enforceRate(req, abort);
    let result: WriteResult;
    try {
      result = await this.store.write(key, req, {
        declaredSha256: header ?? (() => req.trailers['x-content-sha256']?.toLowerCase()),
        expectedBytes: length,
        maxBytes,
        signal: abort.signal,
      });
    } catch (error) {
      // The write saw the socket go; say why it went.
      if (abort.signal.reason instanceof SlowBodyError) throw abort.signal.reason;
      throw error;
    } finally {
      stopRate();
    }
    if (this.options.bodyTimeoutMs) req.socket.setTimeout(this.options.idleTimeoutMs);
    await this.written(req, res, result);
  }

  /**
   * A body that keeps trickling (a byte now and then resets any idle timer) is cut once a whole
   * body-timeout window brings less than the minimum rate: it would hold a socket and a temp
   * file for as long as the client likes. The rate is what the socket read, so a pause of the
   * server's own (backpressure while it writes) only counts when it lasts a whole window.
   */
  private enforceRate(req: IncomingMessage, abort: AbortController): () => void {
    const windowMs = this.options.bodyTimeoutMs;
    const rate = this.options.minBodyBytesPerSecond ?? 0;
    if (!windowMs || rate <= 0) return () => undefined;
    const socket = req.socket;
    let last = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete) return;
      const read = socket.bytesRead - last;
      last = socket.bytesRead;
      if (read >= (rate * windowMs) / 1000) return;
      const error = new SlowBodyError(`the body arrived at ${Math.round((read * 1000) / windowMs)} bytes/s, below the minimum ${rate} bytes/s`);
      abort.abort(error);
      req.destroy(error);
    }, windowMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async written(req: IncomingMessage, res: ServerResponse, result: WriteResult): Promise<void> {
    if (this.hooks.afterWrite) {
      try {
        await this.hooks.afterWrite(result);
      } catch (error) {
        throw new RegistryUnavailableError(
          `Stored ${result.key}, but the catalog did not record it (${(error as Error).message}); upload again, it is idempotent`,
        );
      }
    }
    this.json(res, result.created ? 201 : 200, result, !req.complete);
  }

  private async get(req: IncomingMessage, res: ServerResponse, key: string, headOnly: boolean): Promise<void> {
    const file = await this.store.openRead(key, { checksum: headOnly ? 'compute' : 'ledger' });
    let handedOver = false;
    try {
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Content-Type', contentTypeOf(file.key));
      res.setHeader('Last-Modified', file.modifiedAt.toUTCString());
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      const etag = file.sha256 ? `"${file.sha256}"` : undefined;
      if (file.sha256) {
        res.setHeader('ETag', etag!);
        res.setHeader('X-Content-SHA256', file.sha256);
      }
      if (etag && headerValue(req, 'if-none-match') === etag) {
        res.writeHead(304).end();
        return;
      }
      const ifRange = headerValue(req, 'if-range');
      const range = ifRange !== undefined && ifRange !== etag ? null : parseRange(headerValue(req, 'range'), file.bytes);
      if (range) {
        res.statusCode = 206;
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`);
        res.setHeader('Content-Length', range.end - range.start + 1);
      } else {
        res.statusCode = 200;
        res.setHeader('Content-Length', file.bytes);
      }
      if (headOnly || file.bytes === 0) {
        res.end();
        return;
      }
      // The stream owns the handle from here and closes it when it ends or is destroyed.
      const body = file.handle.createReadStream({ start: range?.start ?? 0, end: range?.end ?? file.bytes - 1 });
      handedOver = true;
      try {
        await pipeline(body, res);
      } catch (error) {
        // The reader went away; nothing to answer.
        this.logger.debug(`GET ${file.key} ended early: ${(error as Error).message}`, { context: 'FilesHttpServer' });
      }
    } finally {
      if (!handedOver) await file.handle.close();
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof StorageError) {
      if (error.status >= 500) this.logger.warn(`${req.method} ${req.url}: ${error.message}`, { context: 'FilesHttpServer' });
      if (error instanceof RangeNotSatisfiableError) res.setHeader('Content-Range', `bytes */${error.size}`);
      return this.json(res, error.status, { error: { code: error.code, message: error.message } }, !req.complete);
    }
    if (req.destroyed || res.destroyed) {
      this.logger.info(`${req.method} ${req.url}: the client went away (${(error as Error).message})`, { context: 'FilesHttpServer' });
      return;
    }
    this.logger.error(`${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`, { context: 'FilesHttpServer' });
    this.json(res, 500, { error: { code: 'internal', message: 'The files service failed; see its log' } }, true);
  }

  /** `close`: the body was not read, so the connection cannot carry another request. */
  private json(res: ServerResponse, status: number, body: unknown, close = false): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    if (close) res.setHeader('Connection', 'close');
    res.end(text);
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function contentLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  return Number(raw);
}
