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

function hmac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
