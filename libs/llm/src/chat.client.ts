import { z } from 'zod';
import type { ChatClientOptions, ChatCompletion, ChatMessage, ChatRequest, ChatUsage, JsonCompletion, LlmBackend } from './chat.types.js';
import { contextOverflowFrom } from './context-overflow.js';
import { strictJsonSchema, type JsonSchema } from './json-schema.js';
import { LlmError } from './llm.errors.js';
import { isRetryableStatus, retryAfterFromHeaders, SDK_RETRY_POLICY, withRetries, type RetryPolicy } from './retry-policy.js';
import { readSse } from './sse.js';
import { estimateTokens } from './token-estimate.js';

const usageSchema = z
  .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative().optional(), total_tokens: z.number().int().nonnegative().optional() })
  .nullable()
  .optional();

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: usageSchema,
});

const chunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }).optional(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  usage: usageSchema,
});

/** What one attempt brought back, before the checks that apply to every backend. */
interface RawReply {
  content: string;
  refusal: string | null;
  finishReason: string | null;
  usage: ChatUsage | null;
  model: string;
}

/** A structured-output request: a name, the schema sent, and the zod schema every reply must pass. */
export interface JsonFormat<T> {
  name: string;
  schema: z.ZodType<T>;
  /** The schema sent to the server, when it should be tighter than the zod one (enums built per request). */
  jsonSchema?: JsonSchema;
}

/**
 * The one OpenAI Chat Completions client of the pipeline, for every stage that calls a model.
 * Non-streaming and SSE streaming; strict JSON-schema output in each server's dialect, validated
 * again here with zod and repaired once; retries and timeouts as the official SDKs do them; a
 * reply cut by `length`, a refusal, a context overflow or a silently truncated prompt becomes a
 * named error instead of a half answer.
 */
export class ChatClient {
  readonly endpoint: string;
  readonly model: string;
  readonly backend: LlmBackend;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly truncationRatio: number;
  private readonly imageTokens: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: ChatClientOptions) {
    this.endpoint = chatEndpoint(options.baseUrl);
    if (!options.model) throw new Error('ChatClient: model is required (the name the server serves)');
    this.model = options.model;
    this.backend = options.backend ?? 'openai';
    this.policy = { ...SDK_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.truncationRatio = options.truncationRatio ?? 0.5;
    this.imageTokens = options.imageTokens ?? 258;
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  }

  /** The endpoint as it may be shown: no credentials, no query. */
  get shownEndpoint(): string {
    const url = new URL(this.endpoint);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.toString();
  }

  /** Plain text; throws `LlmError` for length, refusal, overflow, truncation and exhausted retries. */
  async complete(request: ChatRequest): Promise<ChatCompletion> {
    return this.send(request, undefined);
  }

  /**
   * A value of `format.schema`: the server is asked for strict JSON in its own dialect, the reply
   * is parsed and validated here, and one invalid reply gets one repair request that quotes the
   * problems. A second invalid reply is an `invalid-output` error.
   */
  async completeJson<T>(request: ChatRequest, format: JsonFormat<T>): Promise<JsonCompletion<T>> {
    const schema = format.jsonSchema ?? strictJsonSchema(format.schema);
    const started = Date.now();
    const first = await this.send(request, { name: format.name, schema });
    const usage = sumUsage(null, first.usage);
    const parsed = parseJson(first.content, format.schema);
    if (parsed.ok) return { value: parsed.value, completion: first, repairs: 0, usage, latencyMs: Date.now() - started };

    this.options.log?.warn(`model ${this.model} answered invalid JSON for ${format.name} (${parsed.problem}); asking once more`);
    const repairMessages: ChatMessage[] = [
      ...request.messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: `Your reply is not valid: ${parsed.problem}. Reply again with only the corrected JSON object that follows the schema, nothing else.`,
      },
    ];
    const second = await this.send({ ...request, messages: repairMessages }, { name: format.name, schema });
    const total = sumUsage(usage, second.usage);
    const repaired = parseJson(second.content, format.schema);
    if (repaired.ok) return { value: repaired.value, completion: second, repairs: 1, usage: total, latencyMs: Date.now() - started };
    throw new LlmError(
      'invalid-output',
      false,
      `model ${this.model} at ${this.shownEndpoint} answered invalid ${format.name} twice (the second after a repair request): ${repaired.problem}`,
      { body: this.redact(second.content.slice(0, 500)) },
    );
  }

  /** Our estimate of a request's prompt: text only (for the truncation check) and with images. */
  estimatePrompt(messages: ChatMessage[]): { text: number; total: number } {
    let text = 0;
    let images = 0;
    for (const message of messages) {
      text += 4;
      if (typeof message.content === 'string') text += estimateTokens(message.content);
      else
        for (const part of message.content) {
          if (part.type === 'text') text += estimateTokens(part.text);
          else images++;
        }
    }
    return { text, total: text + images * this.imageTokens };
  }

  private async send(request: ChatRequest, format: { name: string; schema: JsonSchema } | undefined): Promise<ChatCompletion> {
    const estimate = this.estimatePrompt(request.messages);
    this.checkContext(estimate.total, request.maxTokens ?? 0, request.messages);
    const body = this.body(request, format);
    const started = Date.now();
    let attempts = 0;
    const reply = await withRetries(
      this.policy,
      (attempt) => {
        attempts = attempt;
        return this.attempt(body, request, attempt, request.messages);
      },
      (error) => (error instanceof LlmError ? { retry: error.retryable, retryAfterMs: error.details.retryAfterMs } : { retry: false }),
      {
        onRetry: (error, attempt, delayMs) =>
          this.options.log?.warn(`model ${this.model}: attempt ${attempt} failed (${(error as Error).message.slice(0, 200)}); retrying in ${Math.round(delayMs)} ms`),
      },
    );
    const completion: ChatCompletion = {
      content: reply.content,
      finishReason: reply.finishReason ?? 'stop',
      usage: reply.usage,
      model: reply.model,
      latencyMs: Date.now() - started,
      attempts,
      estimatedPromptTokens: estimate.total,
    };
    this.checkReply(reply, estimate.text, completion);
    return completion;
  }

  private body(request: ChatRequest, format: { name: string; schema: JsonSchema } | undefined): Record<string, unknown> {
    const body: Record<string, unknown> = { ...this.options.extraBody, model: this.model, messages: request.messages };
    if (request.maxTokens !== undefined) {
      // OpenAI deprecated max_tokens (its reasoning models refuse it); the open servers read max_tokens.
      body[this.backend === 'openai' ? 'max_completion_tokens' : 'max_tokens'] = request.maxTokens;
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    if (format) Object.assign(body, structuredOutputFields(this.backend, format.name, format.schema));
    return body;
  }

  private async attempt(body: Record<string, unknown>, request: ChatRequest, attempt: number, messages: ChatMessage[]): Promise<RawReply> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
    };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal, redirect: 'error' });
    } catch (error) {
      throw this.transportError(error);
    }
    if (response.status < 200 || response.status > 299) {
      const text = await this.readText(response).catch(() => '');
      throw this.statusError(response, text, messages);
    }
    if (request.stream) {
      try {
        return await this.readStream(response, (text) => request.onDelta?.(text, attempt));
      } catch (error) {
        if (error instanceof LlmError) throw error;
        throw this.transportError(error, true);
      }
    }
    let text: string;
    try {
      text = await this.readText(response);
    } catch (error) {
      if (error instanceof LlmError) throw error;
      throw this.transportError(error);
    }
    return this.parseCompletion(text);
  }

  private async readText(response: Response): Promise<string> {
    if (!response.body) return '';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > this.maxResponseBytes) {
        throw new LlmError('bad-response', false, `model server ${this.shownEndpoint} sent more than ${this.maxResponseBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private parseCompletion(text: string): RawReply {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.badResponse(`answered a body that is not JSON: ${this.redact(text.slice(0, 200))}`);
    }
    const parsed = completionSchema.safeParse(json);
    if (!parsed.success) throw this.badResponse(`answered JSON that is not a chat completion: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    const choice = parsed.data.choices[0]!;
    return {
      content: choice.message.content ?? '',
      refusal: choice.message.refusal ?? null,
      finishReason: choice.finish_reason ?? null,
      usage: usageOf(parsed.data.usage),
      model: parsed.data.model ?? this.model,
    };
  }

  private async readStream(response: Response, onDelta: (text: string) => void): Promise<RawReply> {
    const reply: RawReply = { content: '', refusal: null, finishReason: null, usage: null, model: this.model };
    let done = false;
    let size = 0;
    for await (const data of readSse(response.body!, (bytes) => {
      size += bytes;
      if (size > this.maxResponseBytes) throw new LlmError('bad-response', false, `model server ${this.shownEndpoint} streamed more than ${this.maxResponseBytes} bytes`);
    })) {
      if (data === '[DONE]') {
        done = true;
        break;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw new LlmError('stream-broken', true, `model server ${this.shownEndpoint} streamed an event that is not JSON: ${this.redact(data.slice(0, 200))}`);
      }
      const error = errorInBody(json);
      if (error) {
        const status = typeof error.code === 'number' ? error.code : 500;
        throw new LlmError('http-status', isRetryableStatus(status), `model server ${this.shownEndpoint} sent an error mid-stream (${status}): ${this.redact(error.message)}`, { status });
      }
      const chunk = chunkSchema.safeParse(json);
      if (!chunk.success) throw this.badResponse(`streamed a chunk that is not a chat completion chunk: ${chunk.error.issues[0]?.message}`);
      if (chunk.data.model) reply.model = chunk.data.model;
      const usage = usageOf(chunk.data.usage);
      if (usage) reply.usage = usage;
      const choice = chunk.data.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta?.content;
      if (delta) {
        reply.content += delta;
        onDelta(delta);
      }
      if (choice.delta?.refusal) reply.refusal = (reply.refusal ?? '') + choice.delta.refusal;
      if (choice.finish_reason) reply.finishReason = choice.finish_reason;
    }
    if (!done) {
      throw new LlmError('stream-broken', true, `model server ${this.shownEndpoint} ended the stream without [DONE] after ${reply.content.length} characters; the reply is incomplete`);
    }
    return reply;
  }

  /** Refusal, length and a prompt the server cut: never parsed as an answer. */
  private checkReply(reply: RawReply, textEstimate: number, completion: ChatCompletion): void {
    if (reply.refusal || reply.finishReason === 'content_filter') {
      throw new LlmError('refusal', false, `model ${this.model} refused: ${this.redact(reply.refusal ?? `finish_reason ${reply.finishReason}`).slice(0, 500)}`);
    }
    if (reply.finishReason === 'length') {
      throw new LlmError(
        'length',
        false,
        `model ${this.model} stopped at its token limit (finish_reason length, ${reply.usage?.completionTokens ?? '?'} completion tokens): the reply is cut; raise max tokens or ask for less`,
        { body: this.redact(reply.content.slice(-200)) },
      );
    }
    const reported = reply.usage?.promptTokens;
    if (reported !== undefined && reported > 0 && reported < textEstimate * this.truncationRatio) {
      throw new LlmError(
        'truncated-prompt',
        false,
        `model server ${this.shownEndpoint} reports ${reported} prompt tokens where the prompt's text alone is about ${textEstimate}: ` +
          `it cut the prompt to its context (Ollama does this silently) and answered part of it; ` +
          `raise the server's context (Ollama: num_ctx / OLLAMA_CONTEXT_LENGTH) or trim the input by about ${textEstimate - reported} tokens`,
      );
    }
    void completion;
  }

  private checkContext(estimate: number, maxTokens: number, messages: ChatMessage[]): void {
    const context = this.options.contextTokens;
    if (!context || estimate + maxTokens <= context) return;
    throw contextOverflowFrom.estimate(context, estimate, maxTokens, messages);
  }

  private statusError(response: Response, text: string, messages: ChatMessage[]): LlmError {
    const status = response.status;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const overflow = contextOverflowFrom.body(status, json, messages);
    if (overflow) return overflow;
    const shouldRetry = response.headers.get('x-should-retry');
    const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : isRetryableStatus(status);
    const message = errorInBody(json)?.message ?? text.slice(0, 300);
    const hint = retryable
      ? 'busy or failing; retried with backoff'
      : status === 401 || status === 403
        ? 'check the API key'
        : status === 404
          ? 'check the URL and the model name'
          : 'the request will fail the same way again';
    return new LlmError('http-status', retryable, `model server ${this.shownEndpoint} answered ${status} (${hint}): ${this.redact(message)}`, {
      status,
      retryAfterMs: retryAfterFromHeaders((name) => response.headers.get(name)),
      body: this.redact(text.slice(0, 500)),
    });
  }

  private transportError(error: unknown, midStream = false): LlmError {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new LlmError('timeout', true, `model server ${this.shownEndpoint} did not finish within ${this.timeoutMs} ms${midStream ? ' (mid-stream)' : ''}`, {}, { cause: error });
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    if (midStream) return new LlmError('stream-broken', true, `model server ${this.shownEndpoint} broke the stream off: ${cause}`, {}, { cause: error });
    return new LlmError('network', true, `model server ${this.shownEndpoint} unreachable (${cause}); check the URL and that it is up`, {}, { cause: error });
  }

  private badResponse(why: string): LlmError {
    return new LlmError('bad-response', false, `model server ${this.shownEndpoint} (model ${this.model}) ${why}`);
  }

  /** A server may quote the key back (OpenAI's 401 does, in part); it never reaches a log. */
  private redact(text: string): string {
    const key = this.options.apiKey;
    if (!key || key.length < 4) return text;
    return text.split(key).join('***');
  }
}

/** The request fields that ask each server for JSON following `schema`. */
export function structuredOutputFields(backend: LlmBackend, name: string, schema: JsonSchema): Record<string, unknown> {
  const openai = { response_format: { type: 'json_schema', json_schema: { name, strict: true, schema } } };
  switch (backend) {
    case 'openai':
      return openai;
    case 'vllm':
      return { structured_outputs: { json: schema } };
    case 'llamacpp':
      return { response_format: { type: 'json_object', schema } };
    case 'ollama':
      return { ...openai, format: schema };
  }
}

function parseJson<T>(content: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(content));
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `does not follow the schema: ${issues.join('; ')}` };
}

/** Some servers wrap JSON in a markdown fence even in JSON mode. */
function stripFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  return fenced ? fenced[1]! : content;
}

function usageOf(usage: z.infer<typeof usageSchema>): ChatUsage | null {
  if (!usage) return null;
  const completion = usage.completion_tokens ?? 0;
  return { promptTokens: usage.prompt_tokens, completionTokens: completion, totalTokens: usage.total_tokens ?? usage.prompt_tokens + completion };
}

function sumUsage(a: ChatUsage | null, b: ChatUsage | null): ChatUsage {
  return {
    promptTokens: (a?.promptTokens ?? 0) + (b?.promptTokens ?? 0),
    completionTokens: (a?.completionTokens ?? 0) + (b?.completionTokens ?? 0),
    totalTokens: (a?.totalTokens ?? 0) + (b?.totalTokens ?? 0),
  };
}

/** `{error: {message, code}}` (OpenAI, llama.cpp, new vLLM) or `{object: "error", message, code}` (vLLM). */
export function errorInBody(json: unknown): { message: string; code?: unknown; type?: unknown } | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const body = json as Record<string, unknown>;
  if (body.error && typeof body.error === 'object') {
    const error = body.error as Record<string, unknown>;
    return { ...error, message: String(error.message ?? ''), code: error.code, type: error.type };
  }
  if (typeof body.error === 'string') return { message: body.error };
  if (body.object === 'error') return { message: String(body.message ?? ''), code: body.code, type: body.type };
  return undefined;
}

function chatEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`ChatClient: baseUrl "${url}" is not an absolute URL (e.g. http://vllm:8000/v1)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`ChatClient: baseUrl "${url}" must be http or https`);
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return parsed.toString();
  parsed.pathname = path.endsWith('/v1') ? `${path}/chat/completions` : `${path}/v1/chat/completions`;
  return parsed.toString();
}
