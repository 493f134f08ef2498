import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type winston from 'winston';
import type { HealthChecks } from './health.checks.js';
import type { MetricsRegistry } from './metrics.registry.js';

export interface OpsServerOptions {
  host: string;
  port: number;
}

/**
 * `/healthz` (the process answers), `/readyz` (its dependencies answer) and `/metrics`
 * (Prometheus text) on the app's operations port. Plain node:http: it must keep answering when
 * the app's own framework is busy or wedged, and costs nothing per pipeline message.
 */
export class OpsServer {
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthChecks,
    private readonly options: OpsServerOptions,
    private readonly logger: winston.Logger,
  ) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', fail);
        done();
      });
    });
    server.unref();
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const host = this.options.host === '0.0.0.0' || this.options.host === '::' ? '127.0.0.1' : this.options.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    try {
      if (path === '/healthz') return send(res, 200, 'application/json', '{"status":"alive"}\n');
      if (path === '/readyz') {
        const result = await this.health.run();
        return send(res, result.ready ? 200 : 503, 'application/json', `${JSON.stringify(result)}\n`);
      }
      if (path === '/metrics') return send(res, 200, this.metrics.contentType, await this.metrics.metrics());
      return send(res, 404, 'text/plain', 'not found: /healthz /readyz /metrics\n');
    } catch (error) {
      this.logger.error(`ops ${path} failed: ${(error as Error).message}`);
      return send(res, 500, 'text/plain', 'internal error\n');
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
