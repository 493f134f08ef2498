import type { StoryWrittenV1, TrendDetectedV1 } from '#contracts';
import { FilesClient } from '#files-client';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { chooseArticle, MAX_CANDIDATES } from './article-choice.js';
import { CatalogClient } from './catalog.client.js';
import { prepareMedia } from './media-input.js';
import { PromptTemplates } from './prompt-templates.js';
import { policyFor, STORY_CONFIG, STORY_WRITER, type StoryConfig } from './story.config.js';
import type { StoryWriter } from './story.types.js';

/** The trend event as later versions of the trend stage fill it (optional within v1). */
type TrendEvent = TrendDetectedV1 & { stage?: string; representativeArticleId?: number | null };

export type StoryOutcome =
  | { status: 'written' | 'exists'; event: StoryWrittenV1; variant: number; reason: string }
  | { status: 'skipped'; reason: string };

/**
 * The story stage's logic: the policy decides whether a trend gets a story, one article is chosen,
 * its text and media go to the writer, and the validated script is stored as a JSON file and a
 * catalog row. One story per (trend, article, template version): a redelivery or a later event of
 * the same trend finds the row and writes nothing new.
 */
@Injectable()
export class StoryService {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    private readonly templates: PromptTemplates,
    @Inject(STORY_WRITER) private readonly writer: StoryWriter,
    @Inject(STORY_CONFIG) private readonly config: StoryConfig,
  ) {}

  async writeFor(trend: TrendEvent, log: winston.Logger, now = new Date()): Promise<StoryOutcome> {
    const policy = policyFor(this.config.policy, trend.category);
    if (trend.score < policy.minScore) return { status: 'skipped', reason: `score ${trend.score} below ${policy.minScore}` };
    if (trend.stage && !policy.stages.includes(trend.stage)) return { status: 'skipped', reason: `stage ${trend.stage} not in ${policy.stages.join(', ')}` };

    const template = this.templates.forCategory(trend.category);
    const variant = this.writer.versionFor(template);
    const existing = (await this.catalog.storiesOf(trend.trendId, variant)).find((story) => story.model === this.writer.model);
    if (existing) {
      return {
        status: 'exists',
        variant,
        reason: `story ${existing.storyId} exists (article ${existing.articleId}, ${existing.articleReason ?? 'reason not recorded'})`,
        event: { storyId: existing.storyId, trendId: trend.trendId, articleId: existing.articleId, model: existing.model, standIn: existing.standIn, textKey: existing.textKey },
      };
    }
    const today = await this.catalog.countToday(trend.category, now);
    if (today >= policy.perDay) return { status: 'skipped', reason: `${today} stories of category ${trend.category ?? '(none)'} today, cap ${policy.perDay}` };

    const representativeId = trend.representativeArticleId ?? trend.articleIds[0];
    if (representativeId === undefined) throw new PoisonMessageError(`trend ${trend.trendId} names no article`);
    const ids = [representativeId, ...trend.articleIds.filter((id) => id !== representativeId)].slice(0, MAX_CANDIDATES);
    const candidates = [];
    for (const id of ids) {
      const found = await this.catalog.getArticle(id);
      if (found) candidates.push(found);
    }
    const choice = chooseArticle(representativeId, candidates);
    if (!choice) throw new PoisonMessageError(`trend ${trend.trendId}: none of its articles (${ids.join(', ')}) is in the catalog`);
    const { article, media } = choice.found;
    const text = article.textKey ? (await this.files.get(article.textKey)).toString('utf8') : (article.summary ?? '');

    const written = await this.writer.write({
      trend: { trendId: trend.trendId, text: trend.text, category: trend.category, score: trend.score },
      article: { articleId: article.articleId, url: article.url, title: article.title, text, lang: article.lang },
      media: await prepareMedia(this.files, media, { maxImages: this.config.maxImages, side: this.config.imageSide, keyframes: this.config.videoKeyframes, ffmpegPath: this.config.ffmpegPath }, log),
      language: this.config.language,
      template,
    });
    if (written.textTrimmed) log.info(`trend ${trend.trendId}: article ${article.articleId}'s text trimmed to fit the model's context`);

    const textKey = await this.files.allocate({
      scope: 'story',
      scopeId: `t${trend.trendId}-a${article.articleId}`,
      ownerCreatedAt: trend.windowEnd,
      role: 'story',
      ext: 'json',
      index: variant,
    });
    await this.files.put(textKey, `${JSON.stringify(written.script, null, 2)}\n`);
    // Beside the script: the prompt, the model's own reply and which fields it wrote, which code
    // filled (catalog `promptKey`). The script file stays exactly StoryScriptV1.
    const promptKey = await this.files.allocate({
      scope: 'story',
      scopeId: `t${trend.trendId}-a${article.articleId}`,
      ownerCreatedAt: trend.windowEnd,
      role: 'text',
      ext: 'json',
      index: variant,
    });
    const record = {
      storyKey: textKey,
      model: written.model,
      standIn: written.standIn,
      template: { id: written.templateId, version: written.templateVersion },
      draft: written.draft,
      authorship: written.authorship,
      modelOutput: written.modelOutput,
      prompt: written.prompt,
    };
    await this.files.put(promptKey, `${JSON.stringify(record, null, 2)}\n`);
    const row = await this.catalog.createStory({
      trendId: trend.trendId,
      articleId: article.articleId,
      model: written.model,
      standIn: written.standIn,
      textKey,
      promptKey,
      variant,
      templateId: written.templateId,
      templateVersion: written.templateVersion,
      articleReason: choice.reason.slice(0, 256),
      promptTokens: written.promptTokens,
      completionTokens: written.completionTokens,
      latencyMs: Math.round(written.latencyMs),
      finishReason: written.finishReason.slice(0, 32),
      repairs: written.repairs,
    });
    return {
      status: row.created ? 'written' : 'exists',
      variant,
      reason: choice.reason,
      event: { storyId: row.storyId, trendId: trend.trendId, articleId: article.articleId, model: written.model, standIn: written.standIn, textKey: row.textKey },
    };
  }
}
