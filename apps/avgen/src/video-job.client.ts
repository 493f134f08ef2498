import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isRetryableStatus, retryAfterFromHeaders, withRetries, type RetryPolicy } from '#llm';
import { z } from 'zod';

/**
 * The client of an AV model pod: an asynchronous job API shaped like OpenAI's Videos API, plus
 * what our pods report (`has_audio`, `fps`). It speaks only this protocol; every answer is
 * validated. Retries follow the one policy of `#llm` (Retry-After honoured): GET and DELETE on
 * 408/409/429/5xx and network errors; POST on the same, which is safe because every create
 * carries an `Idempotency-Key` (a pod that honours it answers a repeat with the same job).
 */
export interface VideoJobClientOptions {
  baseUrl: string;
  apiKey?: string;
  /** Per HTTP request (a content download gets `downloadTimeoutMs` of idle time instead). */
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export const VideoJobStatusV = z.enum(['queued', 'in_progress', 'completed', 'failed']);

const JobJson = z.object({
  id: z.string().min(1).max(128),
  object: z.literal('video').optional(),
  model: z.string().optional(),
  status: VideoJobStatusV,
  progress: z.number().min(0).max(100).nullable().optional(),
  created_at: z.number().nullable().optional(),
  completed_at: z.number().nullable().optional(),
  expires_at: z.number().nullable().optional(),
  seconds: z.union([z.string(), z.number()]).nullable().optional(),
  size: z.string().nullable().optional(),
  error: z.object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() }).nullable().optional(),
  has_audio: z.boolean().nullable().optional(),
  fps: z.number().positive().max(1000).nullable().optional(),
});

export interface VideoJob {
  id: string;
  status: z.infer<typeof VideoJobStatusV>;
  progress: number;
  /** Null when the server does not say (OpenAI's own API); treated as "has audio". */
  hasAudio: boolean | null;
  fps: number | null;
  seconds: number | null;
  expiresAt: Date | null;
  error: { code: string; message: string } | null;
}

export interface CreateVideoRequest {
  model: string;
  prompt: string;
  seconds: number;
  /** `WIDTHxHEIGHT`, e.g. `720x1280`. */
  size: string;
  /** A data URL (`data:image/jpeg;base64,...`) the model starts from. */
  referenceImage?: string;
}

/** The server answered with an error; `code` is its error code when it gave one. */
export class VideoModelError extends Error {
  override readonly name: string = 'VideoModelError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** The job id is unknown to the server (deleted, or the pod lost its state). */
export class VideoJobNotFoundError extends VideoModelError {
  override readonly name = 'VideoJobNotFoundError';
}

/** The job finished but its content is gone (past `expires_at`, or the server says so). */
export class VideoContentExpiredError extends VideoModelError {
  override readonly name = 'VideoContentExpiredError';
}

export class VideoJobClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: VideoJobClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retry = options.retry ?? { maxRetries: 4, minBackoffMs: 500, maxBackoffMs: 8000, maxRetryAfterMs: 60_000 };
  }

  async create(request: CreateVideoRequest, idempotencyKey: string): Promise<VideoJob> {
    const body: Record<string, unknown> = {
      model: request.model,
      prompt: request.prompt,
      seconds: String(Math.max(1, Math.round(request.seconds))),
      size: request.size,
    };
    if (request.referenceImage) body.input_reference = { image_url: request.referenceImage };
    const response = await this.call('POST', '/v1/videos', { body, idempotencyKey });
    return parseJob(await response.json());
  }

  async get(id: string): Promise<VideoJob> {
    const response = await this.call('GET', `/v1/videos/${encodeURIComponent(id)}`);
    return parseJob(await response.json());
  }

  /** The finished video's bytes as a stream, with its length when the server said it. */
  async content(id: string): Promise<{ stream: Readable; bytes: number | null }> {
    const response = await this.call('GET', `/v1/videos/${encodeURIComponent(id)}/content`, { stream: true });
    if (!response.body) throw new VideoModelError(`video ${id}: the content response has no body`, response.status, null);
    const length = Number(response.headers.get('content-length'));
    return { stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), bytes: Number.isFinite(length) && length > 0 ? length : null };
  }

  async delete(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/v1/videos/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof VideoJobNotFoundError)) throw error;
    }
  }

  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    extra: { body?: unknown; idempotencyKey?: string; stream?: boolean } = {},
  ): Promise<Response> {
    return withRetries(
      this.retry,
      async () => {
        const headers: Record<string, string> = { accept: extra.stream ? '*/*' : 'application/json' };
        if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
        if (extra.body !== undefined) headers['content-type'] = 'application/json';
        if (extra.idempotencyKey) headers['idempotency-key'] = extra.idempotencyKey;
        let response: Response;
        try {
          response = await fetch(`${this.baseUrl}${path}`, {
            method,
            headers,
            body: extra.body !== undefined ? JSON.stringify(extra.body) : undefined,
            // A download may take long; only its start is bounded here.
            signal: AbortSignal.timeout(extra.stream ? this.timeoutMs * 10 : this.timeoutMs),
          });
        } catch (error) {
          throw new VideoModelError(`${method} ${path}: ${describe(error)}`, null, 'network');
        }
        if (response.ok) return response;
        throw await errorOf(method, path, response);
      },
      (error) => {
        if (!(error instanceof VideoModelError) || error instanceof VideoJobNotFoundError || error instanceof VideoContentExpiredError) return { retry: false };
        if (error.status === null) return { retry: true };
        return { retry: isRetryableStatus(error.status) && error.code !== 'video_not_ready', retryAfterMs: (error as VideoModelError & { retryAfterMs?: number }).retryAfterMs };
      },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

async function errorOf(method: string, path: string, response: Response): Promise<VideoModelError> {
  let code: string | null = null;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code.slice(0, 100);
    if (typeof body.error?.message === 'string') message = body.error.message.slice(0, 300);
  } catch {
    // not JSON: the status says enough
  }
  const text = `${method} ${path}: HTTP ${response.status}${code ? ` ${code}` : ''}: ${message}`;
  let error: VideoModelError;
  if (response.status === 410 || (code !== null && /expired/.test(code))) error = new VideoContentExpiredError(text, response.status, code);
  else if (response.status === 404) error = new VideoJobNotFoundError(text, response.status, code);
  else error = new VideoModelError(text, response.status, code);
  const retryAfterMs = retryAfterFromHeaders((name) => response.headers.get(name));
  if (retryAfterMs !== undefined) Object.assign(error, { retryAfterMs });
  return error;
}

function parseJob(json: unknown): VideoJob {
  const parsed = JobJson.safeParse(json);
  if (!parsed.success) {
    throw new VideoModelError(`the server's video object is not valid: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, null, 'bad-response');
  }
  const job = parsed.data;
  const seconds = job.seconds === null || job.seconds === undefined ? null : Number(job.seconds);
  return {
    id: job.id,
    status: job.status,
    progress: job.progress ?? 0,
    hasAudio: job.has_audio ?? null,
    fps: job.fps ?? null,
    seconds: Number.isFinite(seconds) ? seconds : null,
    expiresAt: job.expires_at ? new Date(job.expires_at * 1000) : null,
    error: job.error ? { code: job.error.code ?? 'unknown', message: job.error.message ?? '' } : null,
  };
}
