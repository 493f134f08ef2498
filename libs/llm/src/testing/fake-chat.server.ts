import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { estimateTokens } from '../token-estimate.js';

export interface FakeChatRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { model?: unknown; messages?: unknown; stream?: unknown; [key: string]: unknown };
}

export type ChatBehaviour = (request: FakeChatRequest, response: ServerResponse) => void | Promise<void>;

/** What the model "writes": a function of the request, or the server's default. */
export type Responder = (request: FakeChatRequest) => string;

export type OverflowStyle = 'openai' | 'vllm' | 'llamacpp' | 'ollama-truncate';

export interface FakeChatOptions {
  model?: string;
  apiKey?: string;
  responder?: Responder;
  /** When set, a prompt over it gets the overflow answer of `overflowStyle`. */
  contextTokens?: number;
  overflowStyle?: OverflowStyle;
  /** Pieces a streamed reply is cut into. */
  streamChunks?: number;
}

/**
 * An OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 for tests, answering as the real
 * servers do: JSON completions and SSE streams (chunks, a usage chunk, `data: [DONE]`), the error
 * bodies of OpenAI, vLLM and llama.cpp, Ollama's silent prompt truncation. Structured-output
 * requests in any dialect get an instance of their schema unless a responder says otherwise; each
 * test scripts the next answers with `next(...)`.
 */
export class FakeChatServer {
  readonly requests: FakeChatRequest[] = [];
  private readonly script: ChatBehaviour[] = [];
  private server?: Server;
  private counter = 0;

  constructor(readonly options: FakeChatOptions = {}) {}

  get model(): string {
    return this.options.model ?? 'fake/chat-model';
  }

  /** Queues answers for the next requests; when the queue is empty, requests are served normally. */
  next(...behaviours: ChatBehaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body: FakeChatRequest['body'];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          sendJson(response, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null } });
          return;
        }
        const recorded: FakeChatRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
        this.requests.push(recorded);
        const behaviour = this.script.shift() ?? this.serve;
        void Promise.resolve(behaviour(recorded, response)).catch(() => response.destroy());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The normal answer, after the server's checks (path, key, model, context). */
  readonly serve: ChatBehaviour = (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      sendJson(response, 404, { error: { message: `Unknown request URL: ${request.method} ${request.url}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
      return;
    }
    if (this.options.apiKey && request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      const given = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      sendJson(response, 401, {
        error: { message: `Incorrect API key provided: ${given}. You can find your API key at your account page.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
      return;
    }
    if (request.body.model !== this.model) {
      sendJson(response, 404, { error: { message: `The model \`${String(request.body.model)}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      return;
    }
    const prompt = promptTokensOf(request);
    const context = this.options.contextTokens;
    if (context !== undefined && prompt > context) {
      const style = this.options.overflowStyle ?? 'openai';
      if (style !== 'ollama-truncate') {
        overflow(style, prompt, context, maxTokensOf(request))(request, response);
        return;
      }
      // Ollama keeps the end of the prompt that fits and answers as if nothing happened.
      this.answer(this.content(request), { promptTokens: context })(request, response);
      return;
    }
    this.answer(this.content(request))(request, response);
  };

  /** The content the model writes for this request. */
  content(request: FakeChatRequest): string {
    if (this.options.responder) return this.options.responder(request);
    const schema = schemaOf(request.body);
    if (schema) return JSON.stringify(sampleOf(schema));
    return 'ok';
  }

  /** A completion (or a stream, when asked for one) with this content and finish reason. */
  answer(content: string, options: { finishReason?: string; refusal?: string; promptTokens?: number } = {}): ChatBehaviour {
    return (request, response) => {
      const id = `chatcmpl-fake${++this.counter}`;
      const created = Math.floor(Date.now() / 1000);
      const promptTokens = options.promptTokens ?? promptTokensOf(request);
      const completionTokens = Math.max(1, estimateTokens(content));
      const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
      const finishReason = options.finishReason ?? 'stop';
      if (request.body.stream !== true) {
        const message = { role: 'assistant', content: options.refusal ? null : content, refusal: options.refusal ?? null };
        sendJson(response, 200, { id, object: 'chat.completion', created, model: this.model, choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }], usage });
        return;
      }
      openStream(response);
      const base = { id, object: 'chat.completion.chunk', created, model: this.model };
      const event = (choices: unknown[], extra: Record<string, unknown> = {}) => response.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
      event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
      if (options.refusal) event([{ index: 0, delta: { refusal: options.refusal }, finish_reason: null }]);
      else for (const piece of pieces(content, this.options.streamChunks ?? 4)) event([{ index: 0, delta: { content: piece }, finish_reason: null }]);
      event([{ index: 0, delta: {}, finish_reason: finishReason }]);
      const streamOptions = request.body.stream_options as { include_usage?: boolean } | undefined;
      if (streamOptions?.include_usage) event([], { usage });
      response.end('data: [DONE]\n\n');
    };
  }
}

/** Scripted answers for `FakeChatServer.next(...)`. */
export const chatReply = {
  /** A normal answer from the server's own responder. */
  ok: (server: FakeChatServer): ChatBehaviour => (request, response) => server.answer(server.content(request))(request, response),
  /** This exact content, as JSON or as a stream (whichever the request asked for). */
  content: (server: FakeChatServer, content: string): ChatBehaviour => server.answer(content),
  /** Cut by max_tokens: half the content, `finish_reason: length`. */
  length: (server: FakeChatServer): ChatBehaviour => (request, response) => {
    const content = server.content(request);
    server.answer(content.slice(0, Math.max(1, Math.floor(content.length / 2))), { finishReason: 'length' })(request, response);
  },
  /** OpenAI's structured-output refusal: `message.refusal` set, content null. */
  refusal: (server: FakeChatServer, reason = "I'm sorry, I can't help with that request."): ChatBehaviour => server.answer('', { refusal: reason }),
  /** Text that is not JSON (a model ignoring JSON mode). */
  invalidJson: (server: FakeChatServer): ChatBehaviour => server.answer('Sure! Here is the script: {"title": "Untitled", "scenes": ['),
  /** 200 with a prompt silently cut to `tokens` (Ollama's OpenAI endpoint past num_ctx). */
  truncated: (server: FakeChatServer, tokens: number): ChatBehaviour => (request, response) => server.answer(server.content(request), { promptTokens: tokens })(request, response),
  status:
    (status: number, body: unknown, headers: Record<string, string> = {}): ChatBehaviour =>
    (_request, response) =>
      sendJson(response, status, body, headers),
  /** 429 as OpenAI sends it, with `retry-after` (seconds) or `retry-after-ms`. */
  rateLimited: (headers: Record<string, string> = { 'retry-after': '1' }): ChatBehaviour =>
    chatReply.status(429, { error: { message: 'Rate limit reached for requests. Please try again in 1s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers),
  serverError: (): ChatBehaviour => chatReply.status(500, { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }),
  overflow: (style: Exclude<OverflowStyle, 'ollama-truncate'>, prompt = 5000, context = 4096, completion = 1000): ChatBehaviour => overflow(style, prompt, context, completion),
  /** A stream that stops in the middle of an event, socket closed, no [DONE]. */
  streamCut: (server: FakeChatServer): ChatBehaviour => (request, response) => {
    openStream(response);
    const content = server.content(request);
    response.write(`data: ${JSON.stringify({ id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 0, model: server.model, choices: [{ index: 0, delta: { content: content.slice(0, 5) }, finish_reason: null }] })}\n\n`);
    response.write(`data: {"id":"chatcmpl-cut","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content.slice(5, 9).replace(/"/g, '')}`);
    setTimeout(() => response.socket?.destroy(), 20);
  },
  /** vLLM's way of failing mid-stream: an error event, then [DONE]. */
  streamError: (): ChatBehaviour => (_request, response) => {
    openStream(response);
    response.write(`data: ${JSON.stringify({ error: { object: 'error', message: 'CUDA out of memory', type: 'InternalServerError', param: null, code: 500 } })}\n\n`);
    response.end('data: [DONE]\n\n');
  },
  slow:
    (delayMs: number, then: ChatBehaviour): ChatBehaviour =>
    async (request, response) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!response.destroyed && !response.socket?.destroyed) await then(request, response);
    },
  hangUp: (): ChatBehaviour => (_request, response) => {
    response.socket?.destroy();
  },
};

function overflow(style: Exclude<OverflowStyle, 'ollama-truncate'>, prompt: number, context: number, completion: number): ChatBehaviour {
  return (_request, response) => {
    if (style === 'openai') {
      sendJson(response, 400, {
        error: {
          message: `This model's maximum context length is ${context} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      });
    } else if (style === 'vllm') {
      sendJson(response, 400, {
        object: 'error',
        message: `This model's maximum context length is ${context} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
        type: 'BadRequestError',
        param: null,
        code: 400,
      });
    } else {
      sendJson(response, 400, {
        error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: prompt, n_ctx: context },
      });
    }
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function openStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

function pieces(text: string, count: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / count));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function maxTokensOf(request: FakeChatRequest): number {
  const value = request.body.max_tokens ?? request.body.max_completion_tokens;
  return typeof value === 'number' ? value : 0;
}

/** The prompt's tokens as the fake counts them: the text of every message, 4 per message. */
export function promptTokensOf(request: FakeChatRequest): number {
  const messages = Array.isArray(request.body.messages) ? (request.body.messages as { content?: unknown }[]) : [];
  let tokens = 0;
  for (const message of messages) {
    tokens += 4;
    if (typeof message.content === 'string') tokens += estimateTokens(message.content);
    else if (Array.isArray(message.content)) {
      for (const part of message.content as { type?: string; text?: string }[]) if (part.type === 'text') tokens += estimateTokens(part.text ?? '');
    }
  }
  return tokens;
}

/** The JSON schema a request carries, in whichever server's dialect it came. */
export function schemaOf(body: FakeChatRequest['body']): Record<string, unknown> | undefined {
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown }; schema?: unknown } | undefined;
  const candidates = [format?.json_schema?.schema, format?.schema, (body.structured_outputs as { json?: unknown } | undefined)?.json, body.format];
  const found = candidates.find((candidate) => candidate && typeof candidate === 'object');
  return found as Record<string, unknown> | undefined;
}

/** A small instance of a JSON schema: the least that satisfies it. */
export function sampleOf(schema: Record<string, unknown>): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((value) => value !== null) ?? schema.enum[0];
  const union = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (union) return sampleOf(union.find((option) => option.type !== 'null') ?? union[0]!);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, sampleOf(value)]));
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
      const limit = typeof schema.maxItems === 'number' ? schema.maxItems : count;
      return Array.from({ length: Math.min(count, limit) }, () => sampleOf((schema.items ?? {}) as Record<string, unknown>));
    }
    case 'string': {
      if (schema.format === 'uri') return 'https://example.com/';
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'sample'.padEnd(min, 'x').slice(0, typeof schema.maxLength === 'number' ? schema.maxLength : undefined);
    }
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number') return type === 'integer' ? schema.exclusiveMinimum + 1 : schema.exclusiveMinimum + 0.5;
      return 1;
    }
    case 'boolean':
      return true;
    default:
      return null;
  }
}
