import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** The bundled sample news site (apps/scraper/sample-site/public), from the compiled or the source tree. */
export const SAMPLE_SITE_ROOT = resolve(import.meta.dirname, '../../../../apps/scraper/sample-site/public');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};
/** Files whose `{{origin}}` is replaced by the server's own origin, so feeds carry absolute URLs. */
const TEMPLATED = new Set(['.html', '.xml', '.txt']);

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, origin: string) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string | null;
  at: number;
}

/**
 * A static web server on loopback for the sample site. `.html` goes out as `text/html` with no
 * charset, as many old sites do, so pages must declare their own (one page is EUC-KR). Tests add
 * hostile routes and read `requests` to see what the scraper fetched.
 */
export class SampleSiteServer {
  readonly requests: RecordedRequest[] = [];
  readonly routes = new Map<string, RouteHandler>();
  private server: Server | null = null;
  private base = '';

  constructor(private readonly root: string = SAMPLE_SITE_ROOT) {}

  get origin(): string {
    if (!this.base) throw new Error('the sample site is not listening yet');
    return this.base;
  }

  /** Listens on 127.0.0.1; a busy fixed port falls back to a free one (the sample URLs then change). */
  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 2000;
    this.server = server;
    try {
      await this.bind(server, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
      await this.bind(server, 0);
    }
    const address = server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${address.port}`;
    return this.base;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }

  /** Requests whose path starts with `prefix`. */
  requested(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  private bind(server: Server, port: number): Promise<void> {
    return new Promise((done, fail) => {
      const onError = (error: Error): void => fail(error);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        done();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ method: req.method ?? '', path, userAgent: req.headers['user-agent'] ?? null, at: Date.now() });
    res.on('error', () => undefined);
    try {
      const route = this.routes.get(path);
      if (route) {
        await route(req, res, this.base);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.send(res, 405, 'text/plain', 'method not allowed');
      const file = this.resolveFile(path);
      if (!file) return this.send(res, 404, 'text/plain', 'not found');
      const ext = extname(file).toLowerCase();
      let body = await readFile(file);
      if (TEMPLATED.has(ext)) {
        // latin1 round trip keeps every byte, so an EUC-KR page is templated without being decoded.
        body = Buffer.from(body.toString('latin1').replaceAll('{{origin}}', this.base), 'latin1');
      }
      res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') {
        return this.send(res, 404, 'text/plain', 'not found');
      }
      if (!res.headersSent) this.send(res, 500, 'text/plain', 'internal error');
      else res.destroy();
    }
  }

  private resolveFile(urlPath: string): string | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    const relative = normalize(decoded.endsWith('/') ? `${decoded}index.html` : decoded).replace(/^([/\\])+/, '');
    const full = resolve(this.root, relative);
    if (full !== this.root && !full.startsWith(this.root + sep)) return null;
    return full;
  }

  private send(res: ServerResponse, status: number, type: string, text: string): void {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** True when the sample site's files are present (they are not in a production image). */
export async function sampleSiteAvailable(root: string = SAMPLE_SITE_ROOT): Promise<boolean> {
  return stat(join(root, 'feed.xml')).then(
    (s) => s.isFile(),
    () => false,
  );
}
