import got, { HTTPError, RequestError } from 'got';
import { parseDataLab, type DataLabRequest } from './naver-datalab.parser.js';
import { parseTrendingRss, type ParsedFeed } from './google-trends.parser.js';

export interface HttpOptions {
  timeoutMs: number;
  retries: number;
  /** Upper bound of one backoff or Retry-After wait (tests keep it short). */
  maxWaitMs?: number;
}

/** A fetch that did not give a usable answer; the message never holds a credential. */
export class TrendSourceError extends Error {
  override readonly name = 'TrendSourceError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/**
 * got's own retry policy: 429 and 5xx (not 501) and network faults, `Retry-After` respected up to
 * `maxWaitMs`, exponential backoff otherwise. DataLab's POST is a read, so it is retried too.
 */
function retryOptions(options: HttpOptions) {
  const cap = options.maxWaitMs ?? 30_000;
  return {
    limit: options.retries,
    methods: ['GET' as const, 'POST' as const],
    statusCodes: [429, 500, 502, 503, 504],
    maxRetryAfter: cap,
    backoffLimit: cap,
    calculateDelay: ({ computedValue }: { computedValue: number }) => (computedValue === 0 ? 0 : Math.min(computedValue, cap)),
  };
}

function describe(error: unknown, what: string): TrendSourceError {
  if (error instanceof HTTPError) {
    const body = String(error.response.body ?? '').slice(0, 200).replace(/\s+/g, ' ');
    return new TrendSourceError(`${what}: HTTP ${error.response.statusCode}${body ? ` (${body})` : ''} after ${error.request.retryCount + 1} attempts`, error.response.statusCode);
  }
  if (error instanceof RequestError) return new TrendSourceError(`${what}: ${error.code ?? 'request failed'}: ${error.message.slice(0, 200)}`, null);
  return new TrendSourceError(`${what}: ${(error as Error).message.slice(0, 300)}`, null);
}

/** Google Trends "trending now" RSS of one country. */
export async function fetchTrendingRss(baseUrl: string, geo: string, options: HttpOptions): Promise<ParsedFeed> {
  const url = new URL(baseUrl);
  url.searchParams.set('geo', geo);
  let xml: string;
  try {
    xml = await got(url, { timeout: { request: options.timeoutMs }, retry: retryOptions(options), headers: { accept: 'application/rss+xml, application/xml' } }).text();
  } catch (error) {
    throw describe(error, `GET ${url.origin}${url.pathname}`);
  }
  try {
    return parseTrendingRss(xml);
  } catch (error) {
    throw new TrendSourceError(`GET ${url.origin}${url.pathname}: ${(error as Error).message}`, 200);
  }
}

/** Naver DataLab search trends for up to four terms plus the anchor group. */
export async function fetchDataLab(
  naver: { url: string; clientId: string; clientSecret: string },
  request: DataLabRequest,
  anchor: string,
  options: HttpOptions,
): Promise<ReturnType<typeof parseDataLab>> {
  let body: unknown;
  try {
    body = await got
      .post(naver.url, {
        json: request,
        headers: { 'X-Naver-Client-Id': naver.clientId, 'X-Naver-Client-Secret': naver.clientSecret },
        timeout: { request: options.timeoutMs },
        retry: retryOptions(options),
      })
      .json();
  } catch (error) {
    throw describe(error, `POST ${new URL(naver.url).pathname}`);
  }
  try {
    return parseDataLab(body, anchor);
  } catch (error) {
    throw new TrendSourceError((error as Error).message, 200);
  }
}
