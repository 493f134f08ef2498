import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens of the files bytes API. The files service holds one secret (`FILES_TOKEN`); it hands
 * callers a short-lived token signed with it in its `files.endpoint.v1` reply, so only services
 * the router lets ask files (their NATS user) can move bytes, and a leaked token expires. Tools
 * that pin the base URL may present the secret itself.
 *
 * Format: `v1.<expires at, ms since epoch>.<hex HMAC-SHA256 of "v1.<expires>">`.
 */
export function signFilesToken(secret: string, ttlMs: number, now = Date.now()): { token: string; expiresAt: Date } {
  const expires = now + ttlMs;
  const body = `v1.${expires}`;
  return { token: `${body}.${hmac(secret, body)}`, expiresAt: new Date(expires) };
}

/** True for the secret itself or an unexpired token signed with it; constant-time compares. */
export function verifyFilesToken(secret: string, presented: string, now = Date.now()): boolean {
  if (equal(presented, secret)) return true;
  const match = /^v1\.(\d{1,15})\.([0-9a-f]{64})$/.exec(presented);
  if (!match) return false;
  if (Number(match[1]) < now) return false;
  return equal(match[2]!, hmac(secret, `v1.${match[1]}`));
}

/**
 * An upload grant: what `files.allocate.v1` hands out with a key. A PUT is accepted only with a
 * grant for exactly that key, so nothing writes outside the keys the files service allocated
 * (over NATS, to services the router lets ask), and the grant carries the size limit of that one
 * allocation. Stateless (an HMAC with the service's secret), so any replica checks any grant and
 * a restart loses none.
 *
 * Format: `put1.<expires at, ms since epoch>.<max bytes>.<hex HMAC-SHA256 of "put1\n<key>\n<expires>\n<max bytes>">`.
 */
export function signUploadGrant(
  secret: string,
  key: string,
  maxBytes: number,
  ttlMs: number,
  now = Date.now(),
): { token: string; expiresAt: Date; maxBytes: number } {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, not ${maxBytes}`);
  const expires = now + ttlMs;
  return { token: `put1.${expires}.${maxBytes}.${hmac(secret, grantBody(key, expires, maxBytes))}`, expiresAt: new Date(expires), maxBytes };
}

export type UploadGrantCheck = { ok: true; maxBytes: number } | { ok: false; problem: 'not-a-grant' | 'expired' | 'other-key' };

/** Checks a presented upload grant against the key of the request (constant-time compare). */
export function verifyUploadGrant(secret: string, presented: string, key: string, now = Date.now()): UploadGrantCheck {
  const match = /^put1\.(\d{1,15})\.(\d{1,16})\.([0-9a-f]{64})$/.exec(presented);
  if (!match) return { ok: false, problem: 'not-a-grant' };
  const expires = Number(match[1]);
  const maxBytes = Number(match[2]);
  if (!Number.isSafeInteger(maxBytes)) return { ok: false, problem: 'not-a-grant' };
  // The signature first: an expired forgery is a forgery.
  if (!equal(match[3]!, hmac(secret, grantBody(key, expires, maxBytes)))) return { ok: false, problem: 'other-key' };
  if (expires < now) return { ok: false, problem: 'expired' };
  return { ok: true, maxBytes };
}

function grantBody(key: string, expires: number, maxBytes: number): string {
  return `put1\n${key}\n${expires}\n${maxBytes}`;
}

function hmac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
