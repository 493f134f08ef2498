import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import got, { type Request as GotRequest } from 'got';
import { bareHost, blockedReason } from './address.policy.js';
import { BlockedAddressError, FetchError } from './fetch.errors.js';
import { GuardedHttpAgent, GuardedHttpsAgent, type ConnectionObserver, type Resolver } from './guarded.agent.js';
import { HostLimiter } from './host.limiter.js';
import { RobotsCache } from './robots.cache.js';

export interface FetchClientOptions {
  /** Sent as User-Agent. */
  userAgent: string;
  /** The product token robots.txt groups are matched against. */
  robotsAgent: string;
  resolver: Resolver;
  timeoutMs: number;
  connectTimeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /** A Retry-After above this fails the fetch (retryable) instead of holding the run. */
  maxRetryAfterMs: number;
  maxRedirects: number;
  hostConcurrency: number;
  hostDelayMs: number;
  maxCrawlDelayMs: number;
  robotsMaxBytes: number;
}

export interface FetchTarget {
  url: string;
  maxBytes: number;
  accept: string;
  /** Whole-exchange limit; defaults to the client's. */
  timeoutMs?: number;
  /** Streams the body into this file instead of memory. */
  toFile?: string;
  /** Keep the first `maxBytes` instead of failing (robots.txt: RFC 9309 parses at least 500 KiB). */
  truncate?: boolean;
  /** Only for robots.txt itself. */
  skipRobots?: boolean;
}

export interface Fetched {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  headers: IncomingHttpHeaders;
  /** Empty when the body went to `toFile`. */
  body: Buffer;
  bytes: number;
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * The scraper's only way out to the network. Process-wide: it owns the per-host politeness. A run
 * opens a `FetchSession`, which has its own connection pool (bound to the run's allow-list) and its
 * own robots.txt cache.
 */
export class FetchClient {
  readonly limiter: HostLimiter;
  private readonly observers = new Set<ConnectionObserver>();

  constructor(readonly options: FetchClientOptions) {
    this.limiter = new HostLimiter(options.hostConcurrency, options.hostDelayMs, options.maxCrawlDelayMs);
  }

  /** `allowPrivateHosts`: hosts of allow-listed sources, reachable even on private addresses. */
  session(allowPrivateHosts: Iterable<string> = []): FetchSession {
    return new FetchSession(this, new Set([...allowPrivateHosts].map((h) => h.replace(/^\[|\]$/g, '').toLowerCase())), (event) => {
      for (const observer of this.observers) observer(event);
    });
  }

  /** Tests use it to prove that a refused address was never connected to. */
  observeConnections(observer: ConnectionObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }
}

export class FetchSession {
  private readonly httpAgent: GuardedHttpAgent;
  private readonly httpsAgent: GuardedHttpsAgent;
  readonly robots: RobotsCache;

  constructor(
    private readonly client: FetchClient,
    private readonly exemptHosts: ReadonlySet<string>,
    onConnect: ConnectionObserver,
  ) {
    const guard = { exemptHosts, resolver: client.options.resolver, onConnect };
    this.httpAgent = new GuardedHttpAgent(guard, { keepAlive: true, maxSockets: client.options.hostConcurrency });
    this.httpsAgent = new GuardedHttpsAgent(guard, { keepAlive: true, maxSockets: client.options.hostConcurrency });
    this.robots = new RobotsCache(this, client.limiter, client.options);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * GET with every rule applied to every hop: URL sanity, address check, robots.txt, politeness,
   * retries on 429/5xx, redirects followed by hand (at most `maxRedirects`), size and time limits.
   */
  async fetch(target: FetchTarget): Promise<Fetched> {
    let url = parseTarget(target.url);
    for (let hop = 0; ; hop++) {
      this.checkAddress(url);
      const refusal = target.skipRobots ? null : await this.robots.refusal(url);
      if (refusal !== null) throw new FetchError('robots', url.href, refusal, false);
      const exchange = await this.withRetries(url, target);
      if (REDIRECTS.has(exchange.status)) {
        const location = exchange.headers.location;
        if (!location) throw new FetchError('http-status', url.href, `HTTP ${exchange.status} without a Location header`, false, exchange.status);
        if (hop >= this.client.options.maxRedirects) {
          throw new FetchError('redirects', url.href, `more than ${this.client.options.maxRedirects} redirects, the last to ${location.slice(0, 200)}`, false);
        }
        url = parseTarget(location, url);
        continue;
      }
      if (exchange.status < 200 || exchange.status > 299) {
        const retryable = RETRY_STATUSES.has(exchange.status);
        throw new FetchError('http-status', url.href, `HTTP ${exchange.status} from ${url.href.slice(0, 300)}`, retryable, exchange.status);
      }
      const type = exchange.headers['content-type'];
      return {
        url: url.href,
        status: exchange.status,
        contentType: typeof type === 'string' ? type : null,
        headers: exchange.headers,
        body: exchange.body,
        bytes: exchange.bytes,
      };
    }
  }

  /** An IP literal is judged before anything else happens; names are judged in the DNS hook. */
  private checkAddress(url: URL): void {
    const host = bareHost(url);
    if (isIP(host) === 0 || this.exemptHosts.has(host)) return;
    const reason = blockedReason(host);
    if (reason !== null) {
      throw new FetchError('blocked-address', url.href, new BlockedAddressError(host, host, reason).message, false);
    }
  }

  private async withRetries(url: URL, target: FetchTarget): Promise<Exchange> {
    const { retries, retryBaseMs, maxRetryAfterMs } = this.client.options;
    for (let attempt = 0; ; attempt++) {
      let exchange: Exchange;
      try {
        exchange = await this.exchange(url, target);
      } catch (error) {
        const failure = toFetchError(error, url, target.timeoutMs ?? this.client.options.timeoutMs);
        if (!failure.retryable || attempt >= retries) throw failure;
        await sleep(backoff(retryBaseMs, attempt));
        continue;
      }
      if (!RETRY_STATUSES.has(exchange.status) || attempt >= retries) return exchange;
      const asked = retryAfterMs(exchange.headers['retry-after']);
      if (asked !== null && asked > maxRetryAfterMs) {
        throw new FetchError(
          'http-status',
          url.href,
          `HTTP ${exchange.status} from ${url.host} asks to come back in ${Math.round(asked / 1000)} s, more than the ${Math.round(maxRetryAfterMs / 1000)} s we wait inside a run`,
          true,
          exchange.status,
        );
      }
      await sleep(asked ?? backoff(retryBaseMs, attempt));
    }
  }

  private async exchange(url: URL, target: FetchTarget): Promise<Exchange> {
    const release = await this.client.limiter.acquire(url.host);
    const timeoutMs = target.timeoutMs ?? this.client.options.timeoutMs;
    const connectMs = Math.min(timeoutMs, this.client.options.connectTimeoutMs);
    let stream: GotRequest | null = null;
    try {
      stream = got.stream(url.href, {
        agent: { http: this.httpAgent, https: this.httpsAgent },
        followRedirect: false,
        throwHttpErrors: false,
        retry: { limit: 0 },
        decompress: true,
        http2: false,
        timeout: { lookup: connectMs, connect: connectMs, secureConnect: connectMs, response: timeoutMs, request: timeoutMs },
        headers: {
          'user-agent': this.client.options.userAgent,
          accept: target.accept,
          'accept-language': 'ko,en;q=0.8,*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
        },
      });
      const [response] = (await once(stream, 'response')) as [{ statusCode: number; headers: IncomingHttpHeaders }];
      if (response.statusCode < 200 || response.statusCode > 299) {
        stream.destroy();
        return { status: response.statusCode, headers: response.headers, body: Buffer.alloc(0), bytes: 0 };
      }
      const declared = Number(response.headers['content-length']);
      // With compression the header counts compressed bytes; the streaming count below is what binds.
      if (!target.truncate && !response.headers['content-encoding'] && Number.isFinite(declared) && declared > target.maxBytes) {
        stream.destroy();
        throw tooLarge(url, target.maxBytes, `it declares ${declared} bytes`);
      }
      const { body, bytes } = target.toFile ? await toFile(stream, url, target) : await toMemory(stream, url, target);
      return { status: response.statusCode, headers: response.headers, body, bytes };
    } finally {
      // A late error from a stream we gave up on (timer, socket) must not become an unhandled event.
      stream?.on('error', () => undefined);
      stream?.destroy();
      release();
    }
  }
}

async function toMemory(stream: GotRequest, url: URL, target: FetchTarget): Promise<{ body: Buffer; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (bytes + chunk.length > target.maxBytes) {
      if (target.truncate) {
        chunks.push(chunk.subarray(0, target.maxBytes - bytes));
        bytes = target.maxBytes;
        break;
      }
      throw tooLarge(url, target.maxBytes, `it went past the limit while streaming`);
    }
    bytes += chunk.length;
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), bytes };
}

async function toFile(stream: GotRequest, url: URL, target: FetchTarget): Promise<{ body: Buffer; bytes: number }> {
  const path = target.toFile!;
  const file = createWriteStream(path, { flags: 'wx' });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > target.maxBytes) throw tooLarge(url, target.maxBytes, 'it went past the limit while streaming');
      if (!file.write(chunk)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'finish');
    return { body: Buffer.alloc(0), bytes };
  } catch (error) {
    file.destroy();
    await unlink(path).catch(() => undefined);
    throw error;
  }
}

function tooLarge(url: URL, limit: number, how: string): FetchError {
  return new FetchError('too-large', url.href, `${url.href.slice(0, 300)} is larger than the ${formatBytes(limit)} limit (${how})`, false);
}

function parseTarget(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = base ? new URL(raw, base) : new URL(raw);
  } catch {
    throw new FetchError('bad-url', raw.slice(0, 300), `"${raw.slice(0, 200)}" is not a valid URL`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad-url', url.href.slice(0, 300), `only http and https are fetched, not ${url.protocol}`, false);
  }
  if (url.username || url.password) {
    throw new FetchError('bad-url', `${url.protocol}//${url.host}${url.pathname}`, 'URLs with credentials are not fetched', false);
  }
  if (url.href.length > 2048) throw new FetchError('bad-url', url.href.slice(0, 300), 'URLs longer than 2048 characters are not fetched', false);
  url.hash = '';
  return url;
}

/** Maps what got and the sockets throw to our error, keeping a refusal a refusal. */
export function toFetchError(error: unknown, url: URL, timeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof BlockedAddressError) return new FetchError('blocked-address', url.href, cause.message, false);
  }
  const err = error as NodeJS.ErrnoException & { name?: string };
  if (err.name === 'TimeoutError' || err.code === 'ETIMEDOUT') {
    return new FetchError('timeout', url.href, `${url.href.slice(0, 300)} did not answer in time (limit ${timeoutMs} ms): ${err.message}`, true);
  }
  const code = err.code ?? 'unknown';
  if (code === 'ENOTFOUND') return new FetchError('network', url.href, `${url.hostname} does not resolve`, false);
  return new FetchError('network', url.href, `${url.href.slice(0, 300)}: ${err.message} (${code})`, RETRY_CODES.has(code));
}

/** Seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function backoff(baseMs: number, attempt: number): number {
  const exp = baseMs * 2 ** attempt;
  return exp + Math.floor(Math.random() * baseMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
