import { withRetries } from '#llm';
import got, { CancelError, RequestError, TimeoutError } from 'got';
import { z } from 'zod';
import { EmbeddingServerError } from './embedding.errors.js';
import { l2Normalise } from './vector.util.js';

export interface OpenAiEmbeddingClientOptions {
  /** Server base URL (`http://tei:8080`, `http://vllm:8000/v1`) or the full `/v1/embeddings` URL. */
  url: string;
  model: string;
  apiKey?: string;
  /** Inputs per request; the server may have its own cap (TEI: `--max-client-batch-size`). */
  batchSize?: number;
  /** Per request, from connect to the last byte of the answer. */
  timeoutMs?: number;
  /** Further attempts after the first on 429, 5xx (not 501), timeouts and network errors; never on other 4xx. */
  maxRetries?: number;
  /** First backoff; doubled per attempt, capped at maxBackoffMs, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for here: the error carries it for the caller. */
  maxRetryAfterMs?: number;
  /** Expected vector length; when unset, the first answer fixes it for this client. */
  dimensions?: number;
  /** Answers larger than this are cut off and refused. */
  maxResponseBytes?: number;
}

const responseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
});

/**
 * Client for the OpenAI-compatible `POST /v1/embeddings` (`{model, input: string[]}` ->
 * `{data: [{index, embedding}]}`) served by TEI, vLLM, Ollama and Infinity. Inputs are sent in
 * batches, one batch at a time; answers are checked (count, indices, length, finite values) and
 * L2-normalised, since not every server normalises.
 */
export class OpenAiEmbeddingClient {
  readonly endpoint: string;
  readonly model: string;
  private readonly options: Required<Omit<OpenAiEmbeddingClientOptions, 'apiKey' | 'dimensions' | 'url' | 'model'>>;
  private readonly apiKey?: string;
  private dimensions?: number;

  constructor(options: OpenAiEmbeddingClientOptions) {
    this.endpoint = embeddingsEndpoint(options.url);
    if (!options.model) throw new Error('OpenAiEmbeddingClient: model is required (the name the server serves)');
    this.model = options.model;
    this.apiKey = options.apiKey;
    this.dimensions = options.dimensions;
    this.options = {
      batchSize: options.batchSize ?? 32,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 15_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 * 1024,
    };
    if (!Number.isInteger(this.options.batchSize) || this.options.batchSize < 1) {
      throw new Error(`OpenAiEmbeddingClient: batchSize must be a positive integer, got ${this.options.batchSize}`);
    }
  }

  /** The vector length, once configured or learned from an answer. */
  get dim(): number | undefined {
    return this.dimensions;
  }

  /**
   * One normalised vector per input, in order. `extraBody` is merged into every request body, for
   * server-specific fields such as Infinity's `{"modality": "image"}`.
   */
  async embed(inputs: string[], extraBody: Record<string, unknown> = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += this.options.batchSize) {
      const batch = inputs.slice(start, start + this.options.batchSize);
      vectors.push(...(await this.embedBatch(batch, extraBody)));
    }
    return vectors;
  }

  /** One batch, retried by the shared model-call policy (#llm): 429, 5xx, timeouts and network errors. */
  private embedBatch(batch: string[], extraBody: Record<string, unknown>): Promise<Float32Array[]> {
    const { maxRetries, backoffMs, maxBackoffMs, maxRetryAfterMs } = this.options;
    return withRetries(
      { maxRetries, minBackoffMs: backoffMs, maxBackoffMs, maxRetryAfterMs },
      () => this.request(batch, extraBody),
      (error) => {
        if (!(error instanceof EmbeddingServerError) || !error.retryable) return { retry: false };
        const retryAfterMs = error.details.retryAfterMs;
        // A Retry-After longer than maxRetryAfterMs is not waited for here: the error carries it for the caller.
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return { retry: false };
        return { retry: true, retryAfterMs };
      },
    );
  }

  private async request(batch: string[], extraBody: Record<string, unknown>): Promise<Float32Array[]> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const { maxResponseBytes, timeoutMs } = this.options;
    let tooLarge = false;
    const pending = got.post(this.endpoint, {
      json: { ...extraBody, model: this.model, input: batch },
      headers,
      timeout: { request: timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
    pending.on('downloadProgress', (progress) => {
      if (progress.transferred > maxResponseBytes && !tooLarge) {
        tooLarge = true;
        pending.cancel();
      }
    });

    let status: number;
    let body: string;
    let retryAfterHeader: string | undefined;
    try {
      const response = await pending;
      status = response.statusCode;
      body = response.body;
      retryAfterHeader = response.headers['retry-after'];
    } catch (error) {
      throw this.transportError(error, tooLarge);
    }

    if (status < 200 || status > 299) throw this.statusError(status, body, retryAfterHeader);
    return this.parse(body, batch.length);
  }

  private transportError(error: unknown, tooLarge: boolean): EmbeddingServerError {
    if (tooLarge || error instanceof CancelError) {
      return new EmbeddingServerError(
        'BAD_RESPONSE',
        false,
        `embedding server ${this.endpoint} sent more than ${this.options.maxResponseBytes} bytes; lower batchSize or raise maxResponseBytes`,
        {},
        { cause: error },
      );
    }
    if (error instanceof TimeoutError) {
      return new EmbeddingServerError(
        'TIMEOUT',
        true,
        `embedding server ${this.endpoint} did not answer within ${this.options.timeoutMs} ms; it may be overloaded (lower batchSize or raise timeoutMs)`,
        {},
        { cause: error },
      );
    }
    const code = error instanceof RequestError ? error.code : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    return new EmbeddingServerError(
      'NETWORK',
      true,
      `embedding server ${this.endpoint} unreachable (${code ?? reason}); check the url and that the server is up`,
      {},
      { cause: error },
    );
  }

  private statusError(status: number, body: string, retryAfterHeader: string | undefined): EmbeddingServerError {
    const retryable = status === 429 || (status >= 500 && status !== 501);
    const excerpt = body.slice(0, 500);
    const hint = retryable
      ? 'the server is busy or failing; retried with backoff'
      : status === 401 || status === 403
        ? 'check apiKey'
        : status === 404
          ? 'check the url and the model name'
          : 'the request will fail the same way again; check the inputs, the model name and the server limits';
    return new EmbeddingServerError(
      'HTTP_STATUS',
      retryable,
      `embedding server ${this.endpoint} answered ${status} (${hint}): ${excerpt}`,
      { status, body: excerpt, retryAfterMs: parseRetryAfter(retryAfterHeader) },
    );
  }

  private parse(body: string, expected: number): Float32Array[] {
    const bad = (why: string): EmbeddingServerError =>
      new EmbeddingServerError('BAD_RESPONSE', false, `embedding server ${this.endpoint} (model ${this.model}) ${why}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw bad(`did not answer JSON: ${body.slice(0, 200)}`);
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) throw bad(`answered a body without data[{index, embedding}]: ${parsed.error.issues[0]?.message}`);
    const data = parsed.data.data;
    if (data.length !== expected) throw bad(`returned ${data.length} embeddings for ${expected} inputs`);

    const vectors = new Array<Float32Array | undefined>(expected);
    for (const item of data) {
      if (item.index >= expected || vectors[item.index]) throw bad(`returned index ${item.index} twice or out of range 0..${expected - 1}`);
      const vector = typeof item.embedding === 'string' ? decodeBase64Floats(item.embedding) : Float32Array.from(item.embedding);
      if (vector === undefined) throw bad('returned a base64 embedding whose length is not a multiple of 4 bytes');
      this.checkLength(vector.length, bad);
      let sum = 0;
      for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
      if (!Number.isFinite(sum) || sum === 0) throw bad('returned a zero or non-finite vector');
      vectors[item.index] = l2Normalise(vector);
    }
    return vectors as Float32Array[];
  }

  private checkLength(length: number, bad: (why: string) => EmbeddingServerError): void {
    if (length === 0) throw bad('returned an empty embedding');
    if (this.dimensions === undefined) {
      this.dimensions = length;
      return;
    }
    if (length !== this.dimensions) {
      throw bad(`returned a ${length}-dim vector where ${this.dimensions} dims are expected; is it the configured model?`);
    }
  }
}

function embeddingsEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`OpenAiEmbeddingClient: url "${url}" is not an absolute URL (e.g. http://tei:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`OpenAiEmbeddingClient: url "${url}" must be http or https`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path.endsWith('/embeddings')) return parsed.toString();
  parsed.pathname = path.endsWith('/v1') ? `${path}/embeddings` : `${path}/v1/embeddings`;
  return parsed.toString();
}

/** Retry-After as delay-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** OpenAI's `encoding_format: "base64"` packs little-endian float32s; some servers answer so. */
function decodeBase64Floats(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
