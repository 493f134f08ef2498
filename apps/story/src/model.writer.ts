import { StoryScriptV1 } from '#contracts';
import { ChatClient, LlmError, trimToTokens, type ChatContentPart, type ChatMessage } from '#llm';
import { PoisonMessageError } from '#messaging';
import { render } from './prompt-templates.js';
import { draftJsonSchema, draftSchema } from './story-draft.js';
import type { PromptTemplate, StoryInput, StoryWriter, WrittenStory } from './story.types.js';

export interface ModelWriterOptions {
  contextTokens: number;
  maxTokens: number;
  images: boolean;
  maxScenes?: number;
  /** Characters of narration per scene at most (400). */
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
  ) {}

  get model(): string {
    return this.client.model;
  }

  versionFor(template: PromptTemplate): number {
    return template.version;
  }

  async write(input: StoryInput): Promise<WrittenStory> {
    const { messages, trimmed } = this.prompt(input);
    const mediaIds = input.media.map((media) => media.mediaId);
    const limits = { maxScenes: this.options.maxScenes ?? 8, narrationChars: this.options.narrationChars ?? 400 };
    let result;
    try {
      result = await this.client.completeJson(
        { messages, maxTokens: this.options.maxTokens, temperature: 0 },
        { name: 'story_script', schema: draftSchema(mediaIds, limits), jsonSchema: draftJsonSchema(mediaIds, limits) },
      );
    } catch (error) {
      // Retryable faults (busy, down, cut streams) throw as they are: the message is retried later.
      if (error instanceof LlmError && !error.retryable) throw new PoisonMessageError(`story for trend ${input.trend.trendId}: ${error.message}`);
      throw error;
    }
    const draft = result.value;
    const script = StoryScriptV1.parse({ ...draft, language: input.language, sourceUrl: input.article.url });
    return {
      script,
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
    };
  }

  /** The messages, with the article text cut to what the context leaves. */
  prompt(input: StoryInput): { messages: ChatMessage[]; trimmed: boolean } {
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
    const budget = this.options.contextTokens - this.options.maxTokens - fixed - 32;
    if (budget < 32) {
      throw new PoisonMessageError(
        `story for trend ${input.trend.trendId}: the prompt without the article text already takes about ${fixed} tokens (${images} images) of a ${this.options.contextTokens}-token context with ${this.options.maxTokens} reserved for the reply; send fewer images or raise STORY_LLM_CONTEXT_TOKENS`,
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
