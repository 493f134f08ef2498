import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'console_session';

/**
 * One secret: a login form (a session cookie holding an HMAC of the secret, never the secret),
 * `Authorization: Bearer <token>`, or basic auth with the token as the password.
 */
export class ConsoleAuth {
  private readonly session: string;

  constructor(private readonly token: string) {
    this.session = createHmac('sha256', token).update('console-session-v1').digest('base64url');
  }

  sessionValue(): string {
    return this.session;
  }

  checkToken(candidate: string): boolean {
    const a = Buffer.from(createHmac('sha256', 'compare').update(candidate).digest());
    const b = Buffer.from(createHmac('sha256', 'compare').update(this.token).digest());
    return timingSafeEqual(a, b);
  }

  allows(req: IncomingMessage): boolean {
    const cookie = cookies(req.headers.cookie)[SESSION_COOKIE];
    if (cookie && safeEqual(cookie, this.session)) return true;
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) return this.checkToken(header.slice(7).trim());
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return this.checkToken(decoded.slice(decoded.indexOf(':') + 1));
    }
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}
