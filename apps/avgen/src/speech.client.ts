import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isRetryableStatus, retryAfterFromHeaders, withRetries, type RetryPolicy } from '#llm';

/**
 * An OpenAI-compatible `POST /v1/audio/speech` client, for narration when the AV model makes
 * video only. Writes the audio to a file; the caller checks its length (empty audio is refused
 * there, with the scene named).
 */
export interface SpeechClientOptions {
  baseUrl: string;
  model: string;
  voice: string;
  apiKey?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class SpeechClient {
  private readonly baseUrl: string;

  constructor(private readonly options: SpeechClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  get source(): string {
    return `speech:${this.options.model}`.slice(0, 64);
  }

  async speak(text: string, outPath: string): Promise<void> {
    await withRetries(
      this.options.retry ?? { maxRetries: 3, minBackoffMs: 500, maxBackoffMs: 8000, maxRetryAfterMs: 60_000 },
      async () => {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/wav' };
        if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
        let response: Response;
        try {
          response = await fetch(`${this.baseUrl}/v1/audio/speech`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ model: this.options.model, input: text, voice: this.options.voice, response_format: 'wav' }),
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
          });
        } catch (error) {
          throw new SpeechError(`speech server: ${(error as Error).message}`, null);
        }
        if (!response.ok) {
          const detail = (await response.text().catch(() => '')).slice(0, 300);
          throw new SpeechError(`speech server: HTTP ${response.status}: ${detail}`, response.status, retryAfterFromHeaders((n) => response.headers.get(n)));
        }
        if (!response.body) {
          await pipeline(Readable.from([]), createWriteStream(outPath));
          return;
        }
        await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(outPath));
      },
      (error) =>
        error instanceof SpeechError && (error.status === null || isRetryableStatus(error.status))
          ? { retry: true, retryAfterMs: error.retryAfterMs }
          : { retry: false },
    );
  }
}
