import type { ChatMessage } from './chat.types.js';
import { ContextOverflowError } from './llm.errors.js';
import { charsForTokens } from './token-estimate.js';

/**
 * The three shapes a context overflow comes in, made one error that says how much to cut:
 * - OpenAI: 400 `{error: {code: "context_length_exceeded", message: "This model's maximum context
 *   length is 128000 tokens. However, your messages resulted in 130512 tokens..."}}`
 * - vLLM: 400 `{object: "error", type: "BadRequestError", message: "This model's maximum context
 *   length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the
 *   completion)..."}` (newer builds nest it under `error`, or say "your request has N input tokens")
 * - llama.cpp: 400 `{error: {type: "exceed_context_size_error", n_prompt_tokens, n_ctx, message:
 *   "the request exceeds the available context size..."}}`
 */
export const contextOverflowFrom = {
  body(status: number, json: unknown, messages: ChatMessage[]): ContextOverflowError | undefined {
    if (status !== 400 && status !== 413 && status !== 422) return undefined;
    if (!json || typeof json !== 'object') return undefined;
    const root = json as Record<string, unknown>;
    const error = (root.error && typeof root.error === 'object' ? root.error : root) as Record<string, unknown>;
    const message = String(error.message ?? '');
    const type = String(error.type ?? '');
    const code = String(error.code ?? '');

    if (type === 'exceed_context_size_error' || /exceeds the available context size/i.test(message)) {
      const limit = numberOf(error.n_ctx);
      const requested = numberOf(error.n_prompt_tokens);
      return build('llama.cpp', limit, requested, messages);
    }
    const limitMatch = /maximum context length is (\d+)/i.exec(message);
    if (code === 'context_length_exceeded' || limitMatch) {
      const limit = limitMatch ? Number(limitMatch[1]) : undefined;
      const requested =
        firstNumber(message, [/you requested (\d+) tokens/i, /resulted in (\d+) tokens/i, /your request has (\d+) input tokens/i, /(\d+) tokens? in the messages/i]) ?? undefined;
      return build(root.object === 'error' || type === 'BadRequestError' ? 'vLLM' : 'OpenAI', limit, requested, messages);
    }
    return undefined;
  },

  estimate(context: number, estimate: number, maxTokens: number, messages: ChatMessage[]): ContextOverflowError {
    const cut = estimate + maxTokens - context;
    return new ContextOverflowError(
      context,
      estimate + maxTokens,
      cut,
      charsForTokens(promptText(messages), cut),
      `prompt too long for the model's context: about ${estimate} prompt tokens + ${maxTokens} to generate > ${context}; ` +
        `cut at least ${cut} tokens (about ${charsForTokens(promptText(messages), cut)} characters) before sending`,
    );
  },
};

function build(server: string, limit: number | undefined, requested: number | undefined, messages: ChatMessage[]): ContextOverflowError {
  const cut = limit !== undefined && requested !== undefined ? Math.max(1, requested - limit) : undefined;
  const chars = cut !== undefined ? charsForTokens(promptText(messages), cut) : undefined;
  const how =
    cut !== undefined
      ? `cut at least ${cut} tokens (about ${chars} characters of the prompt)`
      : 'cut the prompt (the server did not say by how much)';
  return new ContextOverflowError(
    limit,
    requested,
    cut,
    chars,
    `prompt too long for the model's context (${server}: ${requested ?? '?'} tokens requested, limit ${limit ?? '?'}): ${how}, or lower max tokens`,
    { status: 400 },
  );
}

function promptText(messages: ChatMessage[]): string {
  return messages
    .map((message) => (typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n')))
    .join('\n');
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function firstNumber(text: string, patterns: RegExp[]): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}
