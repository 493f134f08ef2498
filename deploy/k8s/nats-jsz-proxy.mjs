// Read-only window on the NATS monitoring server for KEDA's nats-jetstream scaler. The server's
// monitoring port listens on 127.0.0.1 only (config/nats/prod.conf: /connz and /subsz list users
// and subjects); this sidecar forwards GET /jsz (stream and consumer counts) and GET /varz (which
// KEDA reads to find the cluster's nodes) and nothing else, on port 8223.
import { request, createServer } from 'node:http';

const ALLOWED = new Set(['/jsz', '/varz', '/healthz']);
createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' || !ALLOWED.has(path)) {
    res.writeHead(404).end();
    return;
  }
  const upstream = request({ host: '127.0.0.1', port: 8222, path: req.url, method: 'GET', timeout: 5000 }, (up) => {
    res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/json' });
    up.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  upstream.end();
}).listen(8223, '0.0.0.0');
