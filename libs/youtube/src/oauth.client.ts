import { z } from 'zod';
import { classifyTokenError } from './google-error.js';
import { httpCall } from './http.js';
import { YoutubeProtocolError } from './youtube.errors.js';

export interface OAuthCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

/**
 * Access tokens of one channel from its refresh token (OAuth 2.0 `grant_type=refresh_token`).
 * A token is reused until a minute before it expires, or until a call got `401` and invalidated it.
 * Concurrent callers share one refresh.
 */
export class OAuthTokenSource {
  private token: { value: string; expiresAt: number } | null = null;
  private refreshing: Promise<string> | null = null;

  constructor(
    readonly channel: string,
    private readonly credentials: OAuthCredentials,
    private readonly options: { timeoutMs?: number; now?: () => number } = {},
  ) {}

  async accessToken(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.token && this.token.expiresAt - 60_000 > now) return this.token.value;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** The API said 401: the next call refreshes. */
  invalidate(): void {
    this.token = null;
  }

  private async refresh(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      refresh_token: this.credentials.refreshToken,
    });
    const answer = await httpCall({
      method: 'POST',
      url: this.credentials.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: this.options.timeoutMs ?? 30_000,
    });
    if (answer.status !== 200) throw classifyTokenError(answer.status, answer.body, this.channel);
    const parsed = TokenAnswer.safeParse(answer.body);
    if (!parsed.success) throw new YoutubeProtocolError(`channel ${this.channel}: the token endpoint answered 200 without an access_token/expires_in`);
    const now = (this.options.now ?? Date.now)();
    this.token = { value: parsed.data.access_token, expiresAt: now + parsed.data.expires_in * 1000 };
    return this.token.value;
  }
}
