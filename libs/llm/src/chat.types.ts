import type { RetryPolicy } from './retry-policy.js';

/**
 * Where the servers differ in how they take a JSON schema:
 * - `openai`: `response_format: {type: "json_schema", json_schema: {name, strict: true, schema}}`
 *   (OpenAI, and hosted APIs that copy it)
 * - `vllm`: `structured_outputs: {json: schema}` (`guided_json` was removed in vLLM 0.12)
 * - `llamacpp`: llama-server's `response_format: {type: "json_object", schema}` (the schema at the
 *   top of response_format; every llama-server build since grammar support takes it)
 * - `ollama`: `format: schema` (Ollama's own field; its OpenAI layer also maps `response_format`,
 *   sent too, so either code path of an Ollama version constrains the output)
 */
export type LlmBackend = 'openai' | 'vllm' | 'llamacpp' | 'ollama';
export const LLM_BACKENDS = ['openai', 'vllm', 'llamacpp', 'ollama'] as const;

export interface ChatClientOptions {
  /** `http://vllm:8000`, `http://vllm:8000/v1` or the full `/v1/chat/completions` URL. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged, and cut out of any server text we repeat. */
  apiKey?: string;
  backend?: LlmBackend;
  /** One attempt, from connect to the last byte (the last event of a stream). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * The model's context in tokens, when known: a request whose estimate (prompt + max tokens)
   * exceeds it is refused before it is sent, with how much to cut.
   */
  contextTokens?: number;
  /**
   * A reply whose `usage.prompt_tokens` is below this share of our estimate of the prompt's text
   * was built on a cut prompt (Ollama truncates silently to its num_ctx): it is refused.
   */
  truncationRatio?: number;
  /** Tokens one image costs, for the pre-send estimate only (servers differ widely). */
  imageTokens?: number;
  maxResponseBytes?: number;
  /** Merged into every request body (server-specific sampling fields, `chat_template_kwargs`, ...). */
  extraBody?: Record<string, unknown>;
  /** Where retries and warnings go; a winston logger fits. */
  log?: { warn(message: string): unknown; debug?(message: string): unknown };
}

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  /** Server-sent events to `[DONE]`; the result is the same, `onDelta` sees the text as it comes. */
  stream?: boolean;
  /** Called with each piece of text; a retried attempt starts again (attempt counts from 1). */
  onDelta?: (text: string, attempt: number) => void;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatCompletion {
  content: string;
  /** `stop`, or whatever the server said (`length` and refusals are thrown, never returned). */
  finishReason: string;
  usage: ChatUsage | null;
  /** The model the server says answered. */
  model: string;
  latencyMs: number;
  attempts: number;
  /** Our estimate of the prompt (text and images). */
  estimatedPromptTokens: number;
}

export interface JsonCompletion<T> {
  value: T;
  /** The completion that held the valid JSON (the repair's, when one was needed). */
  completion: ChatCompletion;
  /** 1 when the first reply was invalid and the repair request fixed it. */
  repairs: number;
  /** Usage of every call made for this value, repair included. */
  usage: ChatUsage;
  latencyMs: number;
}
