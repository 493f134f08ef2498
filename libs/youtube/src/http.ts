import { YoutubeTransientError } from './youtube.errors.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text (capped), else null. */
  body: unknown;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
}

const MAX_TEXT = 64 * 1024;

/**
 * One HTTP exchange. Network failures (refused, reset, timeout) become `YoutubeTransientError`;
 * every status comes back to the caller, which knows what it means for its call. Redirects are
 * not followed: a `308` is the resumable protocol's "incomplete", not a redirect.
 */
export async function httpCall(request: HttpRequest): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body as NonNullable<RequestInit["body"]> | undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new YoutubeTransientError(`${request.method} ${redactUrl(request.url)}: ${networkMessage(error)}`, null);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new YoutubeTransientError(`${request.method} ${redactUrl(request.url)}: body cut off (${networkMessage(error)})`, response.status);
  }
  return { status: response.status, headers: response.headers, body: parseBody(text, response.headers.get('content-type')) };
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json') || text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON after all: keep the text
    }
  }
  return text.slice(0, MAX_TEXT);
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** Upload session URIs and query strings can carry ids worth keeping out of logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(bad url)';
  }
}
