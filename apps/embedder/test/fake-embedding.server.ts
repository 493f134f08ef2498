import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { model?: unknown; input?: unknown; [key: string]: unknown };
}

export interface AnswerOptions {
  shuffle?: boolean;
  drop?: number;
  dim?: number;
  base64?: boolean;
}

export type Behaviour = (request: FakeRequest, response: ServerResponse) => void | Promise<void>;

/** The fake model: a deterministic, deliberately unnormalised vector per input string. */
export function fakeVector(input: string, dim: number): number[] {
  let hash = 2166136261;
  for (const char of input) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619) >>> 0;
  return Array.from({ length: dim }, (_, i) => ((((hash >>> (i % 24)) + i * 7) % 13) - 6) * 0.5 + (i === 0 ? 9 : 0));
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/**
 * An OpenAI-compatible `/v1/embeddings` server on 127.0.0.1 for tests: it answers like TEI/vLLM do
 * (the same body shapes, the same error bodies), and each test scripts the next answers.
 */
export class FakeEmbeddingServer {
  readonly requests: FakeRequest[] = [];
  private readonly script: Behaviour[] = [];
  private server?: Server;

  constructor(
    readonly options: { model?: string; dim?: number; apiKey?: string } = {},
  ) {}

  get model(): string {
    return this.options.model ?? 'fake/multilingual-embed';
  }

  get dim(): number {
    return this.options.dim ?? 8;
  }

  /** Queues answers for the next requests; when the queue is empty, requests are served normally. */
  next(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body: FakeRequest['body'] = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          send(response, 400, { error: 'Failed to parse the request body as JSON', error_type: 'Validation' });
          return;
        }
        const recorded: FakeRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
        this.requests.push(recorded);
        const behaviour = this.script.shift() ?? this.serve;
        void Promise.resolve(behaviour(recorded, response)).catch(() => response.destroy());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The normal answer, with the server's checks (path, auth, model, input). */
  readonly serve: Behaviour = (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
      send(response, 404, { error: 'Not Found', error_type: 'NotFound' });
      return;
    }
    if (this.options.apiKey && request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      send(response, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    if (request.body.model !== this.model) {
      send(response, 404, { object: 'error', message: `The model \`${String(request.body.model)}\` does not exist.`, type: 'NotFoundError', code: 404 });
      return;
    }
    const input = request.body.input;
    if (!Array.isArray(input) || input.some((item) => typeof item !== 'string')) {
      send(response, 422, { error: 'Input validation error: `input` must be a string or an array of strings', error_type: 'Validation' });
      return;
    }
    send(response, 200, this.answer(input as string[]));
  };

  /** A well-formed answer, optionally bent: reordered, one short, another length, base64. */
  ok(options: AnswerOptions = {}): Behaviour {
    return (request, response) => send(response, 200, this.answer((request.body.input as string[]) ?? [], options));
  }

  answer(inputs: string[], options: AnswerOptions = {}): unknown {
    const dim = options.dim ?? this.dim;
    let data = inputs.map((input, index) => {
      const vector = fakeVector(input, dim);
      const embedding = options.base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    if (options.shuffle) data = [...data].reverse();
    if (options.drop) data = data.slice(0, data.length - options.drop);
    const tokens = inputs.reduce((sum, input) => sum + input.length, 0);
    return { object: 'list', data, model: this.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  }
}

export const reply = {
  status:
    (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour =>
    (_request, response) =>
      send(response, status, body, headers),
  raw:
    (status: number, text: string): Behaviour =>
    (_request, response) => {
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end(text);
    },
  slow:
    (delayMs: number, then: Behaviour): Behaviour =>
    async (request, response) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!response.destroyed) await then(request, response);
    },
  hangUp: (): Behaviour => (_request, response) => {
    response.socket?.destroy();
  },
};
