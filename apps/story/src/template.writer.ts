import { StoryScriptV1, type StorySceneV1 } from '#contracts';
import type { PromptTemplate, StoryInput, StoryMedia, StoryWriter, WrittenStory } from './story.types.js';

/** The name every record of this writer carries: it is a stand-in, not a model. */
export const STANDIN_MODEL = 'standin-template';
/** Bumped when the writer's output changes, like a prompt template's version. */
export const STANDIN_VERSION = 1;

const MAX_SCENES = 6;
const MAX_NARRATION = 220;

/**
 * The deterministic story writer of the embedded setup: no model. The hook is the trend line, the
 * scenes are the article's own leading sentences (each shown over one of its images or video
 * segments in turn), durations follow the narration's length at a speaking rate, hashtags come from
 * the category and the title's words. Same input, same script, byte for byte.
 */
export class TemplateStoryWriter implements StoryWriter {
  readonly model = STANDIN_MODEL;
  readonly standIn = true;

  versionFor(_template: PromptTemplate): number {
    return STANDIN_VERSION;
  }

  async write(input: StoryInput): Promise<WrittenStory> {
    const started = Date.now();
    const language = narrationLanguage(input);
    const sentences = splitSentences(input.article.text).filter((sentence) => sentence.length >= 8);
    const lines = (sentences.length > 0 ? sentences : [input.article.title]).slice(0, MAX_SCENES - 1);
    const visuals = input.media;
    // A trend line may carry a second line of figures ("... 2 articles, 1.5x usual"): the first is the hook.
    const hook = clip(input.trend.text.trim().split('\n')[0]!.trim() || input.article.title, 300);
    const headline = input.article.title.trim() || hook;
    const scenes: StorySceneV1[] = [scene(clip(headline, MAX_NARRATION), headline === hook ? input.article.title : hook, visuals[0], language)];
    lines.forEach((line, index) => scenes.push(scene(clip(line, MAX_NARRATION), captionOf(visuals[(index + 1) % Math.max(1, visuals.length)], line), visuals.length > 0 ? visuals[(index + 1) % visuals.length] : undefined, language)));
    const script = StoryScriptV1.parse({
      title: clip(input.article.title || hook, 200),
      hook,
      language,
      scenes,
      hashtags: hashtagsFor(input, language),
      sourceUrl: input.article.url,
    });
    return {
      script,
      model: STANDIN_MODEL,
      standIn: true,
      templateId: STANDIN_MODEL,
      templateVersion: STANDIN_VERSION,
      promptTokens: null,
      completionTokens: null,
      latencyMs: Date.now() - started,
      finishReason: 'standin',
      repairs: 0,
      textTrimmed: false,
      estimatedPromptTokens: 0,
      draft: null,
      modelOutput: null,
      authorship: { model: [], code: ['title', 'hook', 'scenes', 'hashtags', 'language', 'sourceUrl'] },
      prompt: null,
    };
  }
}

function scene(narration: string, onScreen: string, media: StoryMedia | undefined, language: string): StorySceneV1 {
  const durationS = speakingSeconds(narration, language);
  const video = media?.kind === 'video';
  return {
    narration,
    onScreen: clip(onScreen, 600),
    mediaId: media ? media.mediaId : null,
    startS: video ? 0 : null,
    endS: video ? round1(Math.min(durationS, media!.durationS ?? durationS)) : null,
    durationS,
  };
}

function captionOf(media: StoryMedia | undefined, line: string): string {
  return media?.caption?.trim() || clip(line, 80);
}

/** Korean is read at about 7 syllables a second, English at about 15 characters a second. */
function speakingSeconds(text: string, language: string): number {
  const rate = language === 'ko' ? 7 : 15;
  return round1(Math.min(12, Math.max(2, Array.from(text).length / rate + 0.5)));
}

/** The article's language: what it says, else what its characters are. */
function narrationLanguage(input: StoryInput): string {
  const lang = input.article.lang?.toLowerCase().split(/[-_]/)[0];
  if (lang && /^[a-z]{2,3}$/.test(lang)) return lang;
  const sample = `${input.article.title} ${input.article.text.slice(0, 500)}`;
  const hangul = (sample.match(/[\uac00-\ud7a3]/g) ?? []).length;
  return hangul > sample.length * 0.1 ? 'ko' : 'en';
}

export function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?。])\s+(?=\S)/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** `#category` and the title's words (particles cut, stop words left out), at most 5. */
export function hashtagsFor(input: StoryInput, language: string): string[] {
  const tags: string[] = [];
  if (input.trend.category) tags.push(`#${input.trend.category}`);
  const stop = language === 'ko' ? new Set(['그리고', '하지만', '이번', '지난']) : new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'are', 'was', 'into']);
  for (const word of input.article.title.split(/[^\p{L}\p{N}]+/u)) {
    const clean = word.replace(/(은|는|이|가|을|를|에|의|도|로|과|와)$/u, '');
    if (Array.from(clean).length < 2 || stop.has(clean.toLowerCase())) continue;
    const tag = `#${clean.slice(0, 40)}`;
    if (!tags.includes(tag)) tags.push(tag);
    if (tags.length >= 5) break;
  }
  return tags;
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
