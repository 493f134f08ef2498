import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat as statPath, unlink } from 'node:fs/promises';
import { Agent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CatalogFileHoldV1,
  FilesAllocateV1,
  FilesEndpointV1,
  FilesUsageV1,
  type FilesAllocateRequestV1,
  type FilesUsageResponseV1,
  type RequestContract,
} from '#contracts';
import type { z } from 'zod';
import {
  errorFromResponse,
  FilesChecksumError,
  FilesError,
  FilesInvalidKeyError,
  FilesRequestError,
  FilesUnavailableError,
} from './files-client.errors.js';

/** The one thing the client needs from NATS; `RequestClient.request` fits. */
export type RequestFn = <Q extends z.ZodType, R extends z.ZodType>(
  contract: RequestContract<string, Q, R>,
  payload: z.input<Q>,
  options?: { timeoutMs?: number },
) => Promise<z.infer<R>>;

export interface FilesClientOptions {
  request: RequestFn;
  /** A connection with no traffic for this long fails (the server has the same kind of timeout). */
  idleTimeoutMs?: number;
  /** The endpoint is asked again after this long, and at once after a connection error. */
  endpointTtlMs?: number;
  /** Bodies at least this big wait for `100 Continue`, so a refusal (409, 413, 507) or an identical re-upload costs no transfer. */
  expectContinueFromBytes?: number;
  /** Pin the base URL (tests, tools); skips files.endpoint.v1. */
  baseUrl?: string;
  /** With a pinned base URL: the files service's FILES_TOKEN (otherwise the token comes from files.endpoint.v1). */
  token?: string;
}

export interface PutResult {
  key: string;
  created: boolean;
  bytes: number;
  sha256: string;
}

export interface FileStat {
  key: string;
  bytes: number;
  sha256: string | null;
  contentType: string | null;
  modifiedAt: Date | null;
}

export interface FileStream {
  stream: Readable;
  /** Bytes this stream will deliver. */
  bytes: number;
  /** Size of the whole file. */
  totalBytes: number;
  sha256: string | null;
}

type Body = { kind: 'none' } | { kind: 'buffer'; data: Buffer } | { kind: 'stream'; open: () => Readable; bytes?: number; trailer: boolean };

const SHA256 = /^[0-9a-f]{64}$/;
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/**
 * Moves bytes to and from the files service. Finds the service through NATS (files.endpoint.v1,
 * cached), gets keys from files.allocate.v1, and never builds a path itself. Every upload carries
 * its SHA-256; every full download is checked against the stored one.
 */
export class FilesClient {
  private endpoint: { url: Promise<{ baseUrl: string; token: string | null }>; at: number } | null = null;
  /** Upload grants of the keys this client allocated, with the request that renews one. */
  private readonly grants = new Map<string, { token: string; expiresAt: number; request: FilesAllocateRequestV1 }>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private readonly idleTimeoutMs: number;
  private readonly endpointTtlMs: number;
  private readonly expectContinueFromBytes: number;

  constructor(private readonly options: FilesClientOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.endpointTtlMs = options.endpointTtlMs ?? 300_000;
    this.expectContinueFromBytes = options.expectContinueFromBytes ?? 64 * 1024;
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * A key for a part of an article, story or scope; the same request gives the same key. The
   * answer carries the upload grant for that key (the bytes API takes a PUT only with it, and only
   * up to the allocation's `maxBytes`); this client keeps it and renews it before it expires, so
   * upload with the client that allocated.
   */
  async allocate(request: z.input<typeof FilesAllocateV1.request>): Promise<string> {
    const response = await this.options.request(FilesAllocateV1, request as FilesAllocateRequestV1);
    if (response.uploadToken) {
      this.grants.delete(response.key);
      const expiresAt = response.uploadExpiresAt ? Date.parse(response.uploadExpiresAt) : Date.now() + 300_000;
      this.grants.set(response.key, { token: response.uploadToken, expiresAt, request: request as FilesAllocateRequestV1 });
      // Bounded: the oldest allocations go first (a later PUT of one allocates again... or fails clearly).
      if (this.grants.size > 10_000) this.grants.delete(this.grants.keys().next().value!);
    }
    return response.key;
  }

  async usage(): Promise<FilesUsageResponseV1> {
    return this.options.request(FilesUsageV1, {});
  }

  /**
   * Keeps files from retention while a story or render uses them (`until` null: until released).
   * Give a deadline when you can: a crashed holder's hold then ends by itself.
   */
  async hold(keys: string[], holder: string, until: Date | null): Promise<number> {
    const response = await this.options.request(CatalogFileHoldV1, { keys, holder, until: until?.toISOString() ?? null });
    return response.held;
  }

  /** Ends this holder's hold on the keys (other holders keep theirs). */
  async release(keys: string[], holder: string): Promise<number> {
    return this.hold(keys, holder, new Date());
  }

  async put(key: string, data: Buffer | Uint8Array | string): Promise<PutResult> {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const sha256 = createHash('sha256').update(buffer).digest('hex');
    return this.upload(key, { kind: 'buffer', data: buffer }, sha256, true);
  }

  /** Hashes the file first, so the upload can be retried and an identical one skips the transfer. */
  async putFile(key: string, path: string): Promise<PutResult> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    const sha256 = hash.digest('hex');
    const bytes = (await statPath(path)).size;
    return this.upload(key, { kind: 'stream', open: () => createReadStream(path), bytes, trailer: false }, sha256, true);
  }

  /**
   * Streams once, without spooling: with a known `sha256` it goes in the header, otherwise the
   * client hashes while sending and puts it in an HTTP trailer, which the server checks before
   * the file becomes visible. Not retried (a stream cannot be replayed).
   */
  async putStream(key: string, stream: Readable, options: { sha256?: string; bytes?: number } = {}): Promise<PutResult> {
    if (options.sha256 !== undefined && !SHA256.test(options.sha256)) throw new TypeError('sha256 must be 64 lowercase hex digits');
    const body: Body = { kind: 'stream', open: () => stream, bytes: options.bytes, trailer: options.sha256 === undefined };
    return this.upload(key, body, options.sha256, false);
  }

  /** The whole file, checked against its stored SHA-256. */
  async get(key: string): Promise<Buffer> {
    const opened = await this.open(key);
    const buffer = await readAll(opened.stream);
    const actual = createHash('sha256').update(buffer).digest('hex');
    // GET carries the checksum only when the ledger vouches for the file; HEAD always computes it.
    const expected = opened.sha256 ?? (await this.stat(key))?.sha256 ?? null;
    if (expected !== null && actual !== expected) {
      throw new FilesChecksumError(`Downloaded ${key} hashes to ${actual}, the server says ${expected}`, 'checksum-mismatch', null, true);
    }
    return buffer;
  }

  /** Bytes `start` to `end` inclusive (end defaults to the last byte). */
  async getRange(key: string, start: number, end?: number): Promise<Buffer> {
    const opened = await this.open(key, { start, end });
    return readAll(opened.stream);
  }

  /** A readable stream of the file or a range of it; the caller must consume or destroy it. */
  async open(key: string, range?: { start: number; end?: number } | { suffix: number }): Promise<FileStream> {
    const headers: OutgoingHttpHeaders = {};
    if (range) headers.range = 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ''}`;
    const response = await this.send('GET', key, headers, { kind: 'none' }, true);
    if (response.statusCode !== 200 && response.statusCode !== 206) throw await failure(response, `GET ${key}`);
    const bytes = Number(response.headers['content-length']);
    const contentRange = /\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''));
    const totalBytes = contentRange ? Number(contentRange[1]) : bytes;
    const sha = response.headers['x-content-sha256'];
    let stream: Readable = response;
    if (range && response.statusCode === 200) {
      // The server ignored the range (it may, per RFC 9110); cut it here.
      const [start, end] = 'suffix' in range ? [Math.max(0, totalBytes - range.suffix), totalBytes - 1] : [range.start, range.end ?? totalBytes - 1];
      stream = response.pipe(slicer(start, Math.min(end, totalBytes - 1)));
    }
    return { stream, bytes, totalBytes, sha256: typeof sha === 'string' && SHA256.test(sha) ? sha : null };
  }

  /** Downloads to `path` atomically (temp file + rename) and checks the SHA-256 before the rename. */
  async download(key: string, path: string): Promise<{ bytes: number; sha256: string }> {
    const opened = await this.open(key);
    const temp = `${path}.part-${randomBytes(6).toString('hex')}`;
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(opened.stream, tap, createWriteStream(temp, { flags: 'wx' }));
      const actual = hash.digest('hex');
      const expected = opened.sha256 ?? (await this.stat(key))?.sha256 ?? null;
      if (expected !== null && actual !== expected) {
        throw new FilesChecksumError(`Downloaded ${key} hashes to ${actual}, the server says ${expected}`, 'checksum-mismatch', null, true);
      }
      await rename(temp, path);
      return { bytes, sha256: actual };
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** Size and SHA-256 (HEAD), or null when there is no such file. */
  async stat(key: string): Promise<FileStat | null> {
    const response = await this.send('HEAD', key, {}, { kind: 'none' }, true);
    response.resume();
    if (response.statusCode === 404) return null;
    if (response.statusCode !== 200) throw errorFromResponse(response.statusCode ?? 0, undefined, undefined, `HEAD ${key}`);
    const sha = response.headers['x-content-sha256'];
    const modified = response.headers['last-modified'];
    return {
      key,
      bytes: Number(response.headers['content-length']),
      sha256: typeof sha === 'string' && SHA256.test(sha) ? sha : null,
      contentType: response.headers['content-type'] ?? null,
      modifiedAt: modified ? new Date(modified) : null,
    };
  }

  private async upload(key: string, body: Body, sha256: string | undefined, replayable: boolean): Promise<PutResult> {
    const headers: OutgoingHttpHeaders = { 'content-type': 'application/octet-stream' };
    if (sha256) headers['x-content-sha256'] = sha256;
    const response = await this.send('PUT', key, headers, body, replayable);
    const text = (await readAll(response)).toString('utf8');
    if (response.statusCode !== 200 && response.statusCode !== 201) throw failureFromText(response.statusCode ?? 0, text, `PUT ${key}`);
    try {
      return JSON.parse(text) as PutResult;
    } catch {
      throw new FilesRequestError(`PUT ${key}: the server answered ${response.statusCode} with a body that is not JSON`, 'protocol', response.statusCode ?? null, false);
    }
  }

  private baseUrl(): Promise<{ baseUrl: string; token: string | null }> {
    if (this.options.baseUrl) return Promise.resolve({ baseUrl: this.options.baseUrl, token: this.options.token ?? null });
    if (this.endpoint && Date.now() - this.endpoint.at < this.endpointTtlMs) return this.endpoint.url;
    // The token lives at least as long as the cache (files hands out 15 min; the cache keeps 5).
    const url = this.options.request(FilesEndpointV1, {}).then((r) => ({ baseUrl: r.baseUrl, token: r.token ?? null }));
    this.endpoint = { url, at: Date.now() };
    url.catch(() => {
      this.endpoint = null;
    });
    return url;
  }

  /** The upload grant of a key this client allocated, renewed when it is about to expire. */
  private async grantFor(key: string, renew: boolean): Promise<string | null> {
    const grant = this.grants.get(key);
    if (!grant) return null;
    if (renew || grant.expiresAt - Date.now() < 60_000) {
      await this.allocate(grant.request);
      return this.grants.get(key)?.token ?? null;
    }
    return grant.token;
  }

  /** One request; on a connection failure before any answer, asks for the endpoint again and retries once. */
  private async send(method: string, key: string, headers: OutgoingHttpHeaders, body: Body, replayable: boolean): Promise<IncomingMessage> {
    checkKey(key);
    for (let attempt = 1; ; attempt++) {
      const { baseUrl: base, token: endpointToken } = await this.baseUrl().catch((error: unknown) => {
        throw new FilesUnavailableError(`Cannot find the files service: ${(error as Error).message}`, 'no-endpoint', null, true, { cause: error });
      });
      // A PUT carries the key's upload grant (from allocate); everything else the endpoint's token.
      const grant = method === 'PUT' ? await this.grantFor(key, false) : null;
      const token = grant ?? endpointToken;
      try {
        const response = await this.exchange(new URL(`/v1/files/${key}`, base), method, token ? { ...headers, authorization: `Bearer ${token}` } : headers, body);
        // An expired or rotated token or grant: ask for a new one once (the body was not sent: the refusal comes first).
        if ((response.statusCode === 401 || response.statusCode === 403) && attempt === 1 && replayable) {
          if (grant !== null) {
            response.resume();
            await this.grantFor(key, true);
            continue;
          }
          if (response.statusCode === 401 && !this.options.baseUrl) {
            response.resume();
            this.endpoint = null;
            continue;
          }
        }
        return response;
      } catch (error) {
        if (!(error instanceof FilesUnavailableError) || error.status !== null) throw error;
        this.endpoint = null;
        if (!replayable || attempt >= 2) throw error;
      }
    }
  }

  private exchange(url: URL, method: string, baseHeaders: OutgoingHttpHeaders, body: Body): Promise<IncomingMessage> {
    const headers: OutgoingHttpHeaders = { ...baseHeaders };
    const bytes = body.kind === 'buffer' ? body.data.length : body.kind === 'stream' ? body.bytes : 0;
    if (body.kind !== 'none') {
      if (body.kind === 'stream' && body.trailer) headers.trailer = 'X-Content-SHA256';
      else if (bytes !== undefined) headers['content-length'] = bytes;
      if (bytes === undefined || bytes >= this.expectContinueFromBytes) headers.expect = '100-continue';
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(url, { method, headers, agent: this.agent });
      req.setTimeout(this.idleTimeoutMs, () => req.destroy(Object.assign(new Error(`no traffic for ${this.idleTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      let bodyStarted = false;
      req.on('response', (response) => {
        answered = true;
        // Answered before `100 Continue` (refused, or identical re-upload): the body must not follow.
        if (body.kind !== 'none' && !bodyStarted) response.once('end', () => req.destroy());
        resolve(response);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (answered) return;
        const connection = error.code !== undefined && CONNECTION_ERRORS.has(error.code);
        const message = `${method} ${url.pathname}: ${connection ? 'cannot reach the files service at ' + url.origin : 'request failed'} (${error.code ?? error.message})`;
        reject(new FilesUnavailableError(message, 'connection', null, true, { cause: error }));
      });
      const sendBody = (): void => {
        bodyStarted = true;
        void this.writeBody(req, body).catch((error: unknown) => req.destroy(error as Error));
      };
      if (body.kind === 'none') req.end();
      else if (headers.expect) req.once('continue', sendBody);
      else sendBody();
    });
  }

  private async writeBody(req: ReturnType<typeof httpRequest>, body: Body): Promise<void> {
    if (body.kind === 'buffer') {
      req.end(body.data);
      return;
    }
    if (body.kind === 'none') return;
    const source = body.open();
    if (!body.trailer) {
      await pipeline(source, req);
      return;
    }
    const hash = createHash('sha256');
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (!req.write(chunk)) await once(req, 'drain');
    }
    req.addTrailers({ 'X-Content-SHA256': hash.digest('hex') });
    req.end();
  }
}

/**
 * The server owns the key grammar; this only stops keys that a URL would rewrite (`..`, `%2e`,
 * `?`, `#`), so what is checked there is exactly what the caller passed.
 */
function checkKey(key: string): void {
  const segments = key.split('/');
  const bad = !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || segments.some((s) => s === '.' || s === '..');
  if (bad) throw new FilesInvalidKeyError(`Invalid file key ${JSON.stringify(key.slice(0, 200))}: ask files.allocate.v1 for keys`, 'invalid-key', null, false);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(response: IncomingMessage, what: string): Promise<FilesError> {
  return failureFromText(response.statusCode ?? 0, (await readAll(response)).toString('utf8'), what);
}

function failureFromText(status: number, text: string, what: string): FilesError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = `${what}: ${parsed.error.message}`;
  } catch {
    // not JSON: a proxy or a crash page; the status says enough
  }
  return errorFromResponse(status, code, message, what);
}

function slicer(start: number, end: number): Transform {
  let position = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(start - position, 0);
      const to = Math.min(end + 1 - position, chunk.length);
      position += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

