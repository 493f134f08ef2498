import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '#logging';
import { FilesHttpServer, type FilesHttpHooks } from '../src/http/files.http-server.js';
import { FileStore, TEMP_DIR } from '../src/storage/file-store.js';
import { allocateKey } from '../src/storage/key-layout.js';

export const logger = createLogger({ app: 'files-test', level: process.env.TEST_LOG_LEVEL ?? 'error' });

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function articleKey(articleId: number, index = 1, ext = 'jpg'): string {
  return allocateKey({ articleId, role: 'image', ext, index, ownerCreatedAt: '2026-11-26T10:00:00Z' });
}

export interface Harness {
  root: string;
  store: FileStore;
  server: FilesHttpServer;
  url: string;
  close(): Promise<void>;
}

/** A real file server on 127.0.0.1 (random port) over a fresh root under the OS temp dir. */
export async function startHarness(
  options: { root?: string; maxUploadBytes?: number; hooks?: FilesHttpHooks; store?: (root: string) => Promise<FileStore>; idleTimeoutMs?: number } = {},
): Promise<Harness> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'files-test-')));
  const store = options.store ? await options.store(root) : await FileStore.open({ root, maxUploadBytes: options.maxUploadBytes ?? 64 * 1024 * 1024 });
  const server = new FilesHttpServer(store, { host: '127.0.0.1', port: 0, idleTimeoutMs: options.idleTimeoutMs ?? 10_000, headersTimeoutMs: 5000 }, logger, options.hooks);
  const url = await server.listen();
  return {
    root,
    store,
    server,
    url,
    async close() {
      await server.close();
      if (!options.root) await rm(root, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A plain HTTP exchange, so tests see exactly what the server answers. */
export function http(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // host/port/path rather than a URL object: a URL would normalise away `..` before sending.
    const { hostname, port } = new URL(url);
    const req = request({ host: hostname, port, path, method, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function put(url: string, key: string, body: Buffer | string, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  return http(url, 'PUT', `/v1/files/${key}`, {
    headers: { 'content-length': Buffer.byteLength(body), 'x-content-sha256': sha256(body), ...headers },
    body,
  });
}

/** Every regular file under `dir`, as paths relative to it (hidden ones included). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

export async function tempFiles(root: string): Promise<string[]> {
  return readdir(join(root, TEMP_DIR));
}
