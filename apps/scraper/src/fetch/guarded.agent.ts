import { promises as dns } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, Socket, connect as netConnect, type LookupFunction, type NetConnectOpts } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { blockedReason } from './address.policy.js';
import { BlockedAddressError } from './fetch.errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution, injectable so tests can make a name resolve to a private address. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface ConnectionObserver {
  (event: { host: string; address: string; port: number }): void;
}

export interface ConnectionGuard {
  /** Hosts (lower-case, no brackets) a source is explicitly allowed to reach on private addresses. */
  exemptHosts: ReadonlySet<string>;
  resolver: Resolver;
  /** Told about every TCP connection that was actually established. */
  onConnect?: ConnectionObserver;
}

/** The system resolver, with optional static overrides (like /etc/hosts, `SCRAPER_DNS_OVERRIDES`). */
export function systemResolver(overrides: ReadonlyMap<string, string[]> = new Map()): Resolver {
  return async (hostname) => {
    const pinned = overrides.get(hostname.toLowerCase());
    if (pinned) return pinned.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
    const found = await dns.lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  };
}

/**
 * Resolves, then refuses the host if ANY of its addresses is not public (a name answering with one
 * public and one private address must not get a second chance on the private one). Runs inside
 * the socket's connect, so the address checked is the address connected to: no rebinding window.
 */
export function guardedLookup(guard: ConnectionGuard): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.toLowerCase();
    guard
      .resolver(host)
      .then((addresses) => {
        if (addresses.length === 0) {
          throw Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND', hostname: host });
        }
        if (!guard.exemptHosts.has(host)) {
          for (const { address } of addresses) {
            const reason = blockedReason(address);
            if (reason !== null) throw new BlockedAddressError(host, address, reason);
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        const list = wanted.length > 0 ? wanted : addresses;
        if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/** An IP literal never goes through `lookup`, so it is checked here, before any socket exists. */
function literalRefusal(guard: ConnectionGuard, host: string | undefined): BlockedAddressError | null {
  const bare = (host ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) === 0 || guard.exemptHosts.has(bare)) return null;
  const reason = blockedReason(bare);
  return reason === null ? null : new BlockedAddressError(bare, bare, reason);
}

function refusedSocket(error: Error): Duplex {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

function observe(socket: Socket, guard: ConnectionGuard, host: string): void {
  if (!guard.onConnect) return;
  socket.once('connect', () => guard.onConnect!({ host, address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }));
}

/** Every connection of the scraper goes through these agents: the SSRF guard cannot be bypassed by a request option. */
export class GuardedHttpAgent extends HttpAgent {
  private readonly lookup: LookupFunction;

  constructor(
    private readonly guard: ConnectionGuard,
    options: AgentOptions = {},
  ) {
    super(options);
    this.lookup = guardedLookup(guard);
  }

  override createConnection(options: NetConnectOpts): Duplex {
    const host = (options as { host?: string }).host;
    const refusal = literalRefusal(this.guard, host);
    if (refusal) return refusedSocket(refusal);
    const socket = netConnect({ ...options, lookup: this.lookup } as NetConnectOpts);
    observe(socket, this.guard, host ?? '');
    return socket;
  }
}

export class GuardedHttpsAgent extends HttpsAgent {
  private readonly lookup: LookupFunction;

  constructor(
    private readonly guard: ConnectionGuard,
    options: AgentOptions = {},
  ) {
    super(options);
    this.lookup = guardedLookup(guard);
  }

  override createConnection(options: ConnectionOptions): Duplex {
    const refusal = literalRefusal(this.guard, options.host);
    if (refusal) return refusedSocket(refusal);
    const socket = tlsConnect({ ...options, lookup: this.lookup });
    observe(socket, this.guard, options.host ?? '');
    return socket;
  }
}
