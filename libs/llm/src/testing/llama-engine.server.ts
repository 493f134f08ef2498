import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { schemaOf } from './fake-chat.server.js';

/**
 * The parts of node-llama-cpp 3.21 this server uses. It is imported at start, not at build: the
 * engine is optional (its model is installed on demand), and a checkout without the package still
 * builds.
 */
interface LlamaModule {
  getLlama(options: { gpu: false; build: 'never'; logLevel?: string; progressLogs?: boolean }): Promise<Llama>;
  LlamaChatSession: new (options: { contextSequence: unknown; systemPrompt?: string }) => ChatSession;
}
interface Llama {
  loadModel(options: { modelPath: string }): Promise<Model>;
  createGrammarForJsonSchema(schema: unknown): Promise<unknown>;
  dispose(): Promise<void>;
}
interface Model {
  createContext(options: { contextSize: number; batchSize: number; threads: number; sequences: number }): Promise<Context>;
  tokenize(text: string): unknown[];
  dispose(): Promise<void>;
}
interface Context {
  getSequence(): Sequence;
  dispose(): Promise<void>;
}
interface Sequence {
  tokenMeter: { usedInputTokens: number; usedOutputTokens: number };
  clearHistory(): Promise<void>;
}
interface ChatSession {
  promptWithMeta(
    prompt: string,
    options: { maxTokens: number; temperature: number; seed: number; grammar?: unknown; onTextChunk?: (text: string) => void },
  ): Promise<{ responseText: string; stopReason: string }>;
  dispose(options?: { disposeSequence?: boolean }): void;
}

export interface LlamaEngineOptions {
  modelPath: string;
  /** Served model name. */
  model?: string;
  contextSize?: number;
  /**
   * Fixed threads and batch: with temperature 0 the output is the same on every run. One thread by
   * default: ggml threads spin while they wait, and on a shared 2-core machine two of them ran ten
   * times slower than one (measured: 25 tokens in 83 s against 8.6 s at load 30).
   */
  threads?: number;
  batchSize?: number;
  defaultMaxTokens?: number;
}

/**
 * A small OpenAI-compatible `/v1/chat/completions` server around node-llama-cpp, for the client's
 * tests and the story bench: real tokenization, real grammar-constrained decoding of a JSON schema
 * (in any dialect), real `finish_reason: length`, llama.cpp's context-overflow body. One request
 * at a time (one sequence); greedy decoding.
 */
export class LlamaEngineServer {
  private server?: Server;
  private llama?: Llama;
  private modelHandle?: Model;
  private context?: Context;
  private sequence?: Sequence;
  private module?: LlamaModule;
  private queue: Promise<unknown> = Promise.resolve();
  readonly model: string;
  readonly contextSize: number;
  /** Generated tokens and the seconds spent generating, over the server's life. */
  readonly stats = { completionTokens: 0, promptTokens: 0, seconds: 0, requests: 0 };

  constructor(private readonly options: LlamaEngineOptions) {
    this.model = options.model ?? 'gemma-3-270m-q4_k_m';
    this.contextSize = options.contextSize ?? 2048;
  }

  async start(): Promise<string> {
    const specifier = 'node-llama-cpp';
    this.module = (await import(specifier)) as LlamaModule;
    this.llama = await this.module.getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
    this.modelHandle = await this.llama.loadModel({ modelPath: this.options.modelPath });
    this.context = await this.modelHandle.createContext({
      contextSize: this.contextSize,
      batchSize: this.options.batchSize ?? 512,
      threads: this.options.threads ?? 1,
      sequences: 1,
    });
    this.sequence = this.context.getSequence();
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, { error: { code: 500, message: (error as Error).message, type: 'server_error' } });
        else response.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.context?.dispose();
    await this.modelHandle?.dispose();
    await this.llama?.dispose();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      send(response, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      send(response, 400, { error: { code: 400, message: 'Failed to parse the request body as JSON', type: 'invalid_request_error' } });
      return;
    }
    const run = this.queue.then(() => this.complete(body, response));
    this.queue = run.catch(() => undefined);
    await run;
  }

  private async complete(body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const messages = (Array.isArray(body.messages) ? body.messages : []) as { role: string; content: unknown }[];
    const system = messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)).join('\n');
    // One prompt from the conversation after the system turn (a repair request included).
    const turns = messages.filter((m) => m.role !== 'system').map((m) => (m.role === 'assistant' ? `Previous answer: ${textOf(m.content)}` : textOf(m.content)));
    const prompt = turns.join('\n\n');
    const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? this.options.defaultMaxTokens ?? 256);
    const promptTokens = this.modelHandle!.tokenize(`${system}\n${prompt}`).length + 16;
    if (promptTokens + maxTokens > this.contextSize) {
      send(response, 400, {
        error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: promptTokens + maxTokens, n_ctx: this.contextSize },
      });
      return;
    }
    const schema = schemaOf(body);
    const grammar = schema ? await this.llama!.createGrammarForJsonSchema(toGbnfSchema(schema)) : undefined;
    await this.sequence!.clearHistory();
    const session = new this.module!.LlamaChatSession({ contextSequence: this.sequence!, systemPrompt: system || undefined });
    const stream = body.stream === true;
    const id = `chatcmpl-llama${++this.stats.requests}`;
    const created = Math.floor(Date.now() / 1000);
    const base = { id, object: 'chat.completion.chunk', created, model: this.model };
    if (stream) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
    }
    // The meter's counts are getters: read them, a spread would copy nothing.
    const before = { usedInputTokens: this.sequence!.tokenMeter.usedInputTokens, usedOutputTokens: this.sequence!.tokenMeter.usedOutputTokens };
    const started = performance.now();
    const result = await session.promptWithMeta(prompt, {
      maxTokens,
      temperature: 0,
      seed: Number(body.seed ?? 0),
      grammar,
      onTextChunk: stream ? (text) => response.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`) : undefined,
    });
    const seconds = (performance.now() - started) / 1000;
    session.dispose({ disposeSequence: false });
    const usedInput = this.sequence!.tokenMeter.usedInputTokens - before.usedInputTokens;
    const completionTokens = this.sequence!.tokenMeter.usedOutputTokens - before.usedOutputTokens;
    const usage = { prompt_tokens: usedInput, completion_tokens: completionTokens, total_tokens: usedInput + completionTokens };
    this.stats.completionTokens += completionTokens;
    this.stats.promptTokens += usedInput;
    this.stats.seconds += seconds;
    const finishReason = result.stopReason === 'maxTokens' ? 'length' : 'stop';
    if (stream) {
      response.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] })}\n\n`);
      response.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
      response.end('data: [DONE]\n\n');
      return;
    }
    send(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: this.model,
      choices: [{ index: 0, message: { role: 'assistant', content: result.responseText }, finish_reason: finishReason }],
      usage,
    });
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // A text model: images are left out (their labels stay).
  return (content as { type?: string; text?: string }[])
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('\n');
}

/**
 * A JSON schema in the subset node-llama-cpp's grammar takes: `anyOf` becomes `oneOf`; numeric
 * bounds, `pattern` and formats other than dates are dropped (the client's zod check still applies
 * them, and a reply that breaks one gets the repair request).
 */
export function toGbnfSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGbnfSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', '$schema', 'multipleOf'].includes(key)) continue;
    if (key === 'format' && !['date-time', 'date', 'time'].includes(String(value))) continue;
    out[key === 'anyOf' ? 'oneOf' : key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, toGbnfSchema(sub)])) : toGbnfSchema(value);
  }
  return out;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
