import type { StoryScriptV1 } from '#contracts';
import { ChatClient, LlmError, outputTokenBound, trimToTokens, type ChatContentPart, type ChatMessage, type JsonCompletion, type JsonSchema } from '#llm';
import { PoisonMessageError } from '#messaging';
import { render } from './prompt-templates.js';
import { expandCompactDraft, expandFullDraft } from './draft-expansion.js';
import { COMPACT_LIMITS, compactDraftJsonSchema, compactDraftSchema, draftJsonSchema, draftSchema } from './story-draft.js';
import type { Authorship, PromptTemplate, StoryInput, StoryWriter, WrittenStory } from './story.types.js';
import type { z } from 'zod';

export interface ModelWriterOptions {
  contextTokens: number;
  /** The reply's token budget with the full draft; the compact draft computes its own from its schema. */
  maxTokens: number;
  /**
   * `full`: the model writes every field of the script (capable models). `compact`: a smaller
   * draft whose every value the grammar bounds, for small constrained engines; the rest is filled
   * by code and recorded as such (story-draft.ts, draft-expansion.ts).
   */
  draft?: 'full' | 'compact';
  /** Whitespace bytes the server's grammar allows per position, for the compact draft's budget (22: llama.cpp). */
  whitespaceBytes?: number;
  images: boolean;
  maxScenes?: number;
  /** Characters of narration per scene at most (full draft 400, compact 80). */
  narrationChars?: number;
}

/**
 * A story from a chat model: the category's prompt template filled with the trend, the article
 * (its text trimmed so the prompt and the reply fit the context) and its media (images and video
 * keyframes as data URLs), answered as strict JSON and validated twice: the draft by the client,
 * the whole script against StoryScriptV1 here.
 */
export class ModelStoryWriter implements StoryWriter {
  readonly standIn = false;

  constructor(
    private readonly client: ChatClient,
    private readonly options: ModelWriterOptions,
  ) {
    // A context too small for the compact draft's budget fails at start, not on every message.
    if (options.draft === 'compact') {
      const budget = outputTokenBound(compactDraftJsonSchema([], this.compactLimits()), { whitespaceBytes: options.whitespaceBytes })!;
      if (budget > options.contextTokens - 256) {
        throw new Error(`the compact draft's reply may take ${budget} tokens: a ${options.contextTokens}-token context leaves too little for the prompt; raise STORY_LLM_CONTEXT_TOKENS (4096 or more)`);
      }
    }
  }

  private compactLimits() {
    return { ...COMPACT_LIMITS, ...(this.options.maxScenes ? { maxScenes: this.options.maxScenes } : {}), ...(this.options.narrationChars ? { narrationChars: this.options.narrationChars } : {}) };
  }

  get model(): string {
    return this.client.model;
  }

  versionFor(template: PromptTemplate): number {
    return template.version;
  }

  async write(input: StoryInput): Promise<WrittenStory> {
    const mediaIds = input.media.map((media) => media.mediaId);
    if ((this.options.draft ?? 'full') === 'compact') {
      const format = this.compactFormat(mediaIds, input);
      const asked = await this.ask(input, format);
      return this.written(input, asked, 'compact', expandCompactDraft(asked.result.value, input));
    }
    const format = this.fullFormat(mediaIds);
    const asked = await this.ask(input, format);
    return this.written(input, asked, 'full', expandFullDraft(asked.result.value, input));
  }

  private async ask<T>(input: StoryInput, format: { schema: z.ZodType<T>; jsonSchema: JsonSchema; maxTokens: number }): Promise<{ result: JsonCompletion<T>; trimmed: boolean; messages: ChatMessage[] }> {
    const { messages, trimmed } = this.prompt(input, format.maxTokens);
    try {
      const result = await this.client.completeJson({ messages, maxTokens: format.maxTokens, temperature: 0 }, { name: 'story_script', schema: format.schema, jsonSchema: format.jsonSchema });
      return { result, trimmed, messages };
    } catch (error) {
      // Retryable faults (busy, down, cut streams) throw as they are: the message is retried later.
      if (error instanceof LlmError && !error.retryable) throw new PoisonMessageError(`story for trend ${input.trend.trendId}: ${error.message}`);
      throw error;
    }
  }

  private written(
    input: StoryInput,
    { result, trimmed, messages }: { result: JsonCompletion<unknown>; trimmed: boolean; messages: ChatMessage[] },
    draft: 'full' | 'compact',
    expanded: { script: StoryScriptV1; authorship: Authorship },
  ): WrittenStory {
    return {
      script: expanded.script,
      model: this.model,
      standIn: false,
      templateId: input.template.id,
      templateVersion: input.template.version,
      promptTokens: result.usage.promptTokens || null,
      completionTokens: result.usage.completionTokens || null,
      latencyMs: result.latencyMs,
      finishReason: result.completion.finishReason,
      repairs: result.repairs,
      textTrimmed: trimmed,
      estimatedPromptTokens: result.completion.estimatedPromptTokens,
      draft,
      modelOutput: result.value,
      authorship: expanded.authorship,
      prompt: messages.map((message) => ({
        role: message.role,
        // Images are kept as their size: the record is for reading, the media are in the catalog.
        content: typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : `[image, ${part.image_url.url.length} characters of data URL]`)).join('\n'),
      })),
    };
  }

  private fullFormat(mediaIds: number[]) {
    const limits = { maxScenes: this.options.maxScenes ?? 8, narrationChars: this.options.narrationChars ?? 400 };
    return { schema: draftSchema(mediaIds, limits), jsonSchema: draftJsonSchema(mediaIds, limits), maxTokens: this.options.maxTokens };
  }

  /** The compact draft with a reply budget that always closes its JSON (`outputTokenBound`). */
  private compactFormat(mediaIds: number[], input: StoryInput) {
    const limits = this.compactLimits();
    const jsonSchema: JsonSchema = compactDraftJsonSchema(mediaIds, limits);
    const maxTokens = outputTokenBound(jsonSchema, { whitespaceBytes: this.options.whitespaceBytes });
    if (maxTokens === null) throw new Error('the compact draft schema must bound its output');
    if (maxTokens > this.options.contextTokens - 256) {
      throw new PoisonMessageError(
        `story for trend ${input.trend.trendId}: the compact draft's reply may take ${maxTokens} tokens, more than a ${this.options.contextTokens}-token context leaves for a prompt; raise STORY_LLM_CONTEXT_TOKENS or lower the narration length`,
      );
    }
    return { schema: compactDraftSchema(mediaIds, limits), jsonSchema, maxTokens };
  }

  /** The messages, with the article text cut to what the context leaves. */
  prompt(input: StoryInput, maxTokens = this.options.maxTokens): { messages: ChatMessage[]; trimmed: boolean } {
    const mediaList = input.media
      .map((media) => `- mediaId ${media.mediaId}: ${media.kind}${media.durationS ? ` (${media.durationS} s)` : ''}${media.caption ? `, "${media.caption}"` : ''}`)
      .join('\n');
    const values = {
      trend: input.trend.text,
      category: input.trend.category ?? 'none',
      title: input.article.title,
      url: input.article.url,
      language: input.language,
      media: mediaList || '(none)',
    };
    const withoutText: ChatMessage[] = [
      { role: 'system', content: render(input.template.system, values) },
      { role: 'user', content: this.userParts(render(input.template.user, { ...values, text: '' }), input) },
    ];
    const images = this.options.images ? input.media.reduce((sum, media) => sum + media.dataUrls.length, 0) : 0;
    const fixed = this.client.estimatePrompt(withoutText).total;
    const budget = this.options.contextTokens - maxTokens - fixed - 32;
    if (budget < 32) {
      throw new PoisonMessageError(
        `story for trend ${input.trend.trendId}: the prompt without the article text already takes about ${fixed} tokens (${images} images) of a ${this.options.contextTokens}-token context with ${maxTokens} reserved for the reply; send fewer images or raise STORY_LLM_CONTEXT_TOKENS`,
      );
    }
    const text = trimToTokens(input.article.text, budget);
    const messages: ChatMessage[] = [
      withoutText[0]!,
      { role: 'user', content: this.userParts(render(input.template.user, { ...values, text: text.text + (text.trimmed ? ' […]' : '') }), input) },
    ];
    return { messages, trimmed: text.trimmed };
  }

  private userParts(text: string, input: StoryInput): string | ChatContentPart[] {
    if (!this.options.images) return text;
    const parts: ChatContentPart[] = [{ type: 'text', text }];
    for (const media of input.media) {
      media.dataUrls.forEach((url, index) => {
        parts.push({ type: 'text', text: media.kind === 'video' ? `mediaId ${media.mediaId}, keyframe ${index + 1}:` : `mediaId ${media.mediaId}:` });
        parts.push({ type: 'image_url', image_url: { url } });
      });
    }
    return parts.length === 1 ? text : parts;
  }
}
