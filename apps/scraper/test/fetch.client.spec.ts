import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { blockedReason } from '../src/fetch/address.policy.js';
import { FetchClient, retryAfterMs, type FetchClientOptions } from '../src/fetch/fetch.client.js';
import { BlockedAddressError, FetchError } from '../src/fetch/fetch.errors.js';
import { guardedLookup, type ResolvedAddress } from '../src/fetch/guarded.agent.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('address policy', () => {
  it('refuses every non-public range, including IPv6 forms that carry an IPv4 address', () => {
    const refused = [
      '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.9.9.9',
      '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.2.10', '198.18.0.1', '224.0.0.1',
      '239.255.255.250', '255.255.255.255', '::', '::1', 'fe80::1', 'febf::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:a00:1::1',
      '::127.0.0.1', '[::1]', 'fe80::1%eth0', '2001:db8::1',
    ];
    for (const address of refused) assert.notEqual(blockedReason(address), null, address);
  });

  it('lets public unicast addresses through', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      assert.equal(blockedReason(address), null, address);
    }
  });

  it('names the range in the reason', () => {
    assert.match(blockedReason('169.254.169.254')!, /link-local/);
    assert.match(blockedReason('::ffff:192.168.0.1')!, /private \(192\.168\/16\), embedded in the IPv6 address/);
    assert.match(blockedReason('not-an-ip')!, /not an IP address/);
  });
});

describe('DNS hook', () => {
  function lookup(resolver: (host: string) => Promise<ResolvedAddress[]>, exempt: string[] = [], all = true): Promise<LookupAddress[] | string> {
    const hook = guardedLookup({ exemptHosts: new Set(exempt), resolver });
    return new Promise((resolve, reject) => {
      hook('Example.Test', { all } as never, ((error: Error | null, address: string | LookupAddress[]) => (error ? reject(error) : resolve(address))) as never);
    });
  }

  it('refuses a name if any of its addresses is private, before a socket exists', async () => {
    const asked: string[] = [];
    const resolver = async (host: string): Promise<ResolvedAddress[]> => {
      asked.push(host);
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.2.3', family: 4 },
      ];
    };
    await assert.rejects(lookup(resolver), (error: unknown) => error instanceof BlockedAddressError && /example\.test \(10\.1\.2\.3\)/.test(error.message));
    assert.deepEqual(asked, ['example.test']);
  });

  it('answers public names in both callback forms, and lets an allow-listed name resolve privately', async () => {
    const publicOnly = async (): Promise<ResolvedAddress[]> => [{ address: '93.184.216.34', family: 4 }];
    assert.deepEqual(await lookup(publicOnly), [{ address: '93.184.216.34', family: 4 }]);
    assert.equal(await lookup(publicOnly, [], false), '93.184.216.34');
    const privateOnly = async (): Promise<ResolvedAddress[]> => [{ address: '192.168.5.5', family: 4 }];
    assert.deepEqual(await lookup(privateOnly, ['example.test']), [{ address: '192.168.5.5', family: 4 }]);
  });
});

describe('fetch client against a loopback server', () => {
  let server: Server;
  let origin: string;
  let handler: Handler;
  let requests: string[];
  const connections: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fetch-test-'));

  function client(overrides: Partial<FetchClientOptions> = {}): FetchClient {
    const fetch = new FetchClient({
      userAgent: 'trend-pipeline-bot/test',
      robotsAgent: 'trend-pipeline-bot',
      resolver: async (host) => {
        if (host === 'private.test') return [{ address: '10.9.8.7', family: 4 }];
        if (host === 'loopback.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`no test answer for ${host}`), { code: 'ENOTFOUND' });
      },
      timeoutMs: 2000,
      connectTimeoutMs: 1000,
      retries: 2,
      retryBaseMs: 20,
      maxRetryAfterMs: 5000,
      maxRedirects: 5,
      hostConcurrency: 2,
      hostDelayMs: 0,
      maxCrawlDelayMs: 1000,
      robotsMaxBytes: 64 * 1024,
      ...overrides,
    });
    fetch.observeConnections((c) => connections.push(c.address));
    return fetch;
  }

  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/robots.txt' && !handler.name.startsWith('robots')) {
        res.writeHead(404).end();
        return;
      }
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    connections.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function failure(promise: Promise<unknown>): Promise<FetchError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof FetchError, String(error));
      return error;
    }
    assert.fail('the fetch succeeded');
  }

  it('refuses private and loopback IP literals of a source that is not allow-listed, without connecting', async () => {
    handler = (_req, res) => res.end('never');
    const session = client().session();
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'http://2130706433/', origin]) {
      const error = await failure(session.fetch({ url, maxBytes: 1000, accept: '*/*' }));
      assert.equal(error.code, 'blocked-address', url);
      assert.equal(error.retryable, false);
    }
    assert.deepEqual(connections, []);
    assert.deepEqual(requests, []);
    session.close();
  });

  it('refuses a name that resolves to a private address, and a redirect to one, without connecting', async () => {
    handler = (req, res) => {
      res.writeHead(302, { location: req.url === '/to-name' ? 'http://private.test/x' : 'http://169.254.169.254/' }).end();
    };
    const session = client().session(['127.0.0.1']);
    assert.equal((await failure(session.fetch({ url: 'http://private.test/', maxBytes: 1000, accept: '*/*' }))).code, 'blocked-address');
    const named = await failure(session.fetch({ url: `${origin}/to-name`, maxBytes: 1000, accept: '*/*' }));
    assert.match(named.message, /private\.test \(10\.9\.8\.7\): private \(10\/8\)/);
    const metadata = await failure(session.fetch({ url: `${origin}/to-metadata`, maxBytes: 1000, accept: '*/*' }));
    assert.match(metadata.message, /169\.254\.169\.254: link-local/);
    // The allow-list names a host, not an address: another name for loopback is still refused.
    assert.equal((await failure(session.fetch({ url: `http://loopback.test:${new URL(origin).port}/`, maxBytes: 1000, accept: '*/*' }))).code, 'blocked-address');
    assert.ok(connections.every((address) => address === '127.0.0.1'));
    session.close();
  });

  it('follows at most five redirects, re-checking each hop', async () => {
    handler = (req, res) => {
      const n = Number(new URL(req.url!, origin).searchParams.get('n') ?? '0');
      if (n < 6) res.writeHead(301, { location: `/hop?n=${n + 1}` }).end();
      else res.end('arrived');
    };
    const session = client().session(['127.0.0.1']);
    const ok = await session.fetch({ url: `${origin}/hop?n=1`, maxBytes: 1000, accept: '*/*' });
    assert.equal(ok.body.toString(), 'arrived');
    assert.equal(ok.url, `${origin}/hop?n=6`);
    const tooMany = await failure(session.fetch({ url: `${origin}/hop?n=0`, maxBytes: 1000, accept: '*/*' }));
    assert.equal(tooMany.code, 'redirects');
    session.close();
  });

  it('stops reading at the byte limit, in memory and on disk, and removes the partial file', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const push = (): void => {
        while (sent < 4 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    };
    const session = client().session(['127.0.0.1']);
    assert.equal((await failure(session.fetch({ url: `${origin}/big`, maxBytes: 256 * 1024, accept: '*/*' }))).code, 'too-large');
    const file = join(dir, 'video.part');
    assert.equal((await failure(session.fetch({ url: `${origin}/big`, maxBytes: 256 * 1024, accept: '*/*', toFile: file }))).code, 'too-large');
    assert.equal(existsSync(file), false);
    const whole = await session.fetch({ url: `${origin}/big`, maxBytes: 8 * 1024 * 1024, accept: '*/*', toFile: join(dir, 'whole') });
    assert.equal(whole.bytes, 4 * 1024 * 1024);
    assert.deepEqual(readdirSync(dir), ['whole']);
    session.close();
  });

  it('retries 429/5xx with backoff, honours Retry-After, and does not retry a 404', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (req.url === '/missing') return void res.writeHead(404).end();
      if (req.url === '/down') return void res.writeHead(502).end();
      if (req.url === '/later') return void res.writeHead(429, { 'retry-after': '3600' }).end();
      if (calls === 1) return void res.writeHead(503, { 'retry-after': '1' }).end();
      res.end('ok');
    };
    const session = client().session(['127.0.0.1']);
    const started = Date.now();
    assert.equal((await session.fetch({ url: `${origin}/slow-start`, maxBytes: 100, accept: '*/*' })).body.toString(), 'ok');
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After: 1');
    calls = 0;
    const down = await failure(session.fetch({ url: `${origin}/down`, maxBytes: 100, accept: '*/*' }));
    assert.deepEqual([down.code, down.status, down.retryable, calls], ['http-status', 502, true, 3]);
    calls = 0;
    const missing = await failure(session.fetch({ url: `${origin}/missing`, maxBytes: 100, accept: '*/*' }));
    assert.deepEqual([missing.status, missing.retryable, calls], [404, false, 1]);
    const later = await failure(session.fetch({ url: `${origin}/later`, maxBytes: 100, accept: '*/*' }));
    assert.match(later.message, /asks to come back in 3600 s, more than the 5 s/);
    assert.equal(later.retryable, true);
    session.close();
  });

  it('times out a server that never answers', async () => {
    handler = () => undefined;
    const session = client({ timeoutMs: 300, retries: 0 }).session(['127.0.0.1']);
    const started = Date.now();
    const error = await failure(session.fetch({ url: `${origin}/hang`, maxBytes: 100, accept: '*/*' }));
    assert.equal(error.code, 'timeout');
    assert.ok(Date.now() - started < 2000);
    session.close();
  });

  it('keeps at most two requests in flight per host and spaces their starts', async () => {
    let inFlight = 0;
    let peak = 0;
    const starts: number[] = [];
    handler = (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      starts.push(Date.now());
      setTimeout(() => {
        inFlight--;
        res.end('x');
      }, 120);
    };
    const session = client({ hostDelayMs: 50 }).session(['127.0.0.1']);
    await Promise.all(Array.from({ length: 6 }, (_, i) => session.fetch({ url: `${origin}/p${i}`, maxBytes: 100, accept: '*/*' })));
    assert.equal(peak, 2);
    // Measured where requests arrive, so a stalled machine (qemu, heavy load) can hand two of
    // them over back to back; spacing shows as most gaps at or above the delay. Without it, the
    // two-in-flight limit alone gives gaps of about 0, 120, 0, 120, 0.
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    assert.ok(gaps.filter((gap) => gap >= 40).length >= 4, `gaps ${gaps.join(', ')}`);
    session.close();
  });

  it('reads robots.txt once per origin, obeys it, and treats an unreachable one as "disallow all"', async () => {
    let robotsStatus = 200;
    handler = function robots(req, res) {
      if (req.url === '/robots.txt') {
        if (robotsStatus !== 200) return void res.writeHead(robotsStatus).end();
        return void res.end('User-agent: other-bot\nDisallow: /\n\nUser-agent: trend-pipeline-bot\nDisallow: /private/\nCrawl-delay: 0.2\n');
      }
      res.end('page');
    };
    const fetch = client();
    let session = fetch.session(['127.0.0.1']);
    await session.fetch({ url: `${origin}/a`, maxBytes: 100, accept: '*/*' });
    const started = Date.now();
    await session.fetch({ url: `${origin}/b`, maxBytes: 100, accept: '*/*' });
    assert.ok(Date.now() - started >= 150, 'Crawl-delay: 0.2 spaces requests');
    const refused = await failure(session.fetch({ url: `${origin}/private/x`, maxBytes: 100, accept: '*/*' }));
    assert.deepEqual([refused.code, refused.message], ['robots', `robots.txt of 127.0.0.1:${new URL(origin).port} disallows /private/x for trend-pipeline-bot`]);
    assert.deepEqual(requests, ['/robots.txt', '/a', '/b']);
    session.close();

    robotsStatus = 503;
    requests = [];
    session = client({ retries: 0 }).session(['127.0.0.1']);
    const unreachable = await failure(session.fetch({ url: `${origin}/a`, maxBytes: 100, accept: '*/*' }));
    assert.equal(unreachable.code, 'robots');
    assert.match(unreachable.message, /could not be read .*RFC 9309/);
    assert.deepEqual(requests, ['/robots.txt']);
    session.close();
  });

  it('reads Retry-After in seconds and as a date', () => {
    assert.equal(retryAfterMs('7'), 7000);
    assert.equal(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1)), 30_000);
    assert.equal(retryAfterMs('soon'), null);
    assert.equal(retryAfterMs(undefined), null);
  });
});
