import type { FilesClient } from '#files-client';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type winston from 'winston';
import { ConsoleAuth, SESSION_COOKIE } from './auth.js';
import type { ContentService } from './content.service.js';
import type { DeadLetterService } from './dead-letters.service.js';
import { CSS } from './html.js';
import { CLIENT_JS, contentPage, deadLetterPage, deadLettersPage, loginPage, pipelinePage, storagePage } from './pages.js';
import type { PipelineService } from './pipeline.service.js';

export interface ConsoleServices {
  pipeline: PipelineService;
  content: ContentService;
  deadLetters: DeadLetterService;
  files: FilesClient;
}

const MEDIA_TYPES: Record<string, string> = {
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
  webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', mp3: 'audio/mpeg', wav: 'audio/wav', txt: 'text/plain; charset=utf-8', json: 'application/json',
};
const CSP = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'";

/** chart.js's UMD bundle from node_modules: served by us, never from a CDN. */
function chartBundle(): Buffer {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The console's web server: server-rendered pages behind one secret, media proxied with byte ranges. */
export class ConsoleHttpServer {
  private server: Server | null = null;
  private readonly auth: ConsoleAuth;
  private readonly chart = chartBundle();

  constructor(
    private readonly services: ConsoleServices,
    token: string,
    private readonly logger: winston.Logger,
  ) {
    this.auth = new ConsoleAuth(token);
  }

  async listen(host: string, port: number): Promise<string> {
    const server = createServer({ headersTimeout: 10_000, requestTimeout: 0 }, (req, res) => void this.handle(req, res));
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        done();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    try {
      if (path === '/assets/console.css') return send(res, 200, 'text/css; charset=utf-8', CSS, 'public, max-age=3600');
      if (path === '/assets/console.js') return send(res, 200, 'text/javascript; charset=utf-8', CLIENT_JS, 'public, max-age=3600');
      if (path === '/assets/chart.js') return send(res, 200, 'text/javascript; charset=utf-8', this.chart, 'public, max-age=86400');
      if (path === '/login') return await this.login(req, res, url);
      if (!this.auth.allows(req)) {
        return send(res, 401, 'text/html; charset=utf-8', loginPage(false));
      }
      if (path === '/logout' && req.method === 'POST') {
        res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
        return redirect(res, '/login');
      }
      if (path === '/' || path === '') return redirect(res, '/pipeline');
      if (path === '/pipeline') return html(res, pipelinePage(await this.services.pipeline.view(days(url))));
      if (path === '/api/pipeline') return send(res, 200, 'application/json', JSON.stringify(await this.services.pipeline.view(days(url))));
      if (path === '/content') return html(res, contentPage(await this.services.content.content()));
      if (path === '/storage') return html(res, storagePage(await this.services.content.storage()));
      if (path === '/dead-letters') return await this.deadLetters(res, url);
      if (path === '/dead-letters/replay' && req.method === 'POST') return await this.replay(req, res);
      const letter = /^\/dead-letters\/(\d+)$/.exec(path);
      if (letter) return await this.deadLetter(res, Number(letter[1]));
      if (path.startsWith('/media/')) return await this.media(req, res, path.slice('/media/'.length));
      throw new HttpError(404, `No page ${path}`);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) this.logger.error(`console ${req.method} ${path} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, status, 'text/plain; charset=utf-8', status === 500 ? 'internal error (see the console log)\n' : `${(error as Error).message}\n`);
      else res.destroy();
    }
  }

  private async login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let token = url.searchParams.get('token');
    if (req.method === 'POST') token = (await form(req)).get('token');
    if (token === null) return html(res, loginPage(false));
    if (!this.auth.checkToken(token)) return send(res, 401, 'text/html; charset=utf-8', loginPage(true));
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${this.auth.sessionValue()}; Path=/; HttpOnly; SameSite=Strict`);
    return redirect(res, '/pipeline');
  }

  private async deadLetters(res: ServerResponse, url: URL): Promise<void> {
    const filter = { subject: url.searchParams.get('subject') ?? undefined, reason: url.searchParams.get('reason') ?? undefined };
    const notice = url.searchParams.get('notice');
    try {
      return html(res, deadLettersPage(await this.services.deadLetters.list(filter), filter, null, notice, this.services.deadLetters.canReplay));
    } catch (error) {
      return html(res, deadLettersPage([], filter, `Dead-letter queue unavailable: ${(error as Error).message}`, notice, this.services.deadLetters.canReplay));
    }
  }

  private async deadLetter(res: ServerResponse, seq: number): Promise<void> {
    let shown;
    try {
      shown = await this.services.deadLetters.show(seq);
    } catch (error) {
      throw new HttpError(404, `Dead letter #${seq}: ${(error as Error).message}`);
    }
    return html(res, deadLetterPage(seq, shown.letter, shown.original, shown.row, this.services.deadLetters.canReplay));
  }

  private async replay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seqs = (await form(req)).getAll('seq').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 1000);
    if (seqs.length === 0) return redirect(res, `/dead-letters?notice=${encodeURIComponent('Nothing selected.')}`);
    const result = await this.services.deadLetters.replay(seqs, 'console');
    this.logger.info(`replayed ${result.replayed} dead letter(s) from the console: ${seqs.join(', ')}`);
    const notice = `Replayed ${result.replayed} of ${seqs.length}.${result.problems.length ? ` ${result.problems.join('; ')}` : ''}`;
    return redirect(res, `/dead-letters?notice=${encodeURIComponent(notice)}`);
  }

  /** Bytes from the files service, with the browser's Range passed through (video seeking). */
  private async media(req: IncomingMessage, res: ServerResponse, encodedKey: string): Promise<void> {
    const key = encodedKey.split('/').map(decodeURIComponent).join('/');
    if (!key || key.length > 512 || key.split('/').some((part) => part === '..' || part === '.' || part === '')) throw new HttpError(400, 'bad key');
    const range = parseRange(req.headers.range);
    let opened;
    try {
      opened = await this.services.files.open(key, range ?? undefined);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) throw new HttpError(404, `No file ${key} (purged by retention?)`);
      if (status === 416) throw new HttpError(416, 'range not satisfiable');
      throw error;
    }
    const type = MEDIA_TYPES[key.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': opened.bytes, 'cache-control': 'private, max-age=300' };
    if (range) {
      const start = 'suffix' in range ? opened.totalBytes - opened.bytes : range.start;
      headers['content-range'] = `bytes ${start}-${start + opened.bytes - 1}/${opened.totalBytes}`;
    }
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      opened.stream.destroy();
      res.end();
      return;
    }
    await pipeline(opened.stream, res).catch(() => undefined);
  }
}

function parseRange(header: string | undefined): { start: number; end?: number } | { suffix: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') return { suffix: Number(m[2]) };
  return m[2] === '' ? { start: Number(m[1]) } : { start: Number(m[1]), end: Number(m[2]) };
}

function days(url: URL): number {
  const n = Number(url.searchParams.get('days') ?? 14);
  return Number.isInteger(n) && n >= 1 && n <= 90 ? n : 14;
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65_536) throw new HttpError(413, 'form too large');
  }
  return new URLSearchParams(body);
}

function html(res: ServerResponse, body: string): void {
  send(res, 200, 'text/html; charset=utf-8', body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'content-length': 0 });
  res.end();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': cache,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}
