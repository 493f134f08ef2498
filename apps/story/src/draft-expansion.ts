import { StoryScriptV1, type StorySceneV1 } from '#contracts';
import type { CompactDraft, StoryDraft } from './story-draft.js';
import type { Authorship, StoryInput, StoryMedia } from './story.types.js';
import { clip, hashtagsFor, splitSentences } from './template.writer.js';

/**
 * A full draft (every field written by the model) as the script: the stage adds the language and
 * the source URL, and says so.
 */
export function expandFullDraft(draft: StoryDraft, input: StoryInput): { script: StoryScriptV1; authorship: Authorship } {
  const script = StoryScriptV1.parse({ ...draft, language: input.language, sourceUrl: input.article.url });
  const model = ['title', 'hook', 'hashtags'];
  draft.scenes.forEach((_, index) => model.push(...['narration', 'onScreen', 'mediaId', 'startS', 'endS', 'durationS'].map((field) => `scenes[${index}].${field}`)));
  return { script, authorship: { model, code: ['language', 'sourceUrl'] } };
}

/**
 * A compact draft grown into the full script. What the model wrote stays as it wrote it (blank
 * runs collapsed, ends trimmed) and is listed under `model`; every value made here is listed under
 * `code` with the rule that made it:
 * - a blank title, hook or narration (the grammar's `minLength: 1` admits a space): the article's
 *   title, the trend line, the article's sentence of that rank;
 * - `onScreen`: the medium's caption, else the narration's first 80 characters;
 * - `startS`/`endS`: a video from 0 to the scene's duration (within the video's length), else null;
 * - `hashtags`: the category and the title's words, as the template stand-in makes them;
 * - `language`, `sourceUrl`: the stage's setting and the article's URL.
 */
export function expandCompactDraft(draft: CompactDraft, input: StoryInput): { script: StoryScriptV1; authorship: Authorship } {
  const model: string[] = [];
  const code: string[] = [];
  const own = (path: string, written: string, fallback: () => string, max: number): string => {
    const clean = written.replace(/\s+/gu, ' ').trim();
    if (clean) {
      model.push(path);
      return clip(clean, max);
    }
    code.push(path);
    return clip(fallback(), max);
  };
  const sentences = splitSentences(input.article.text);
  const trendLine = input.trend.text.trim().split('\n')[0]!.trim();
  const title = own('title', draft.title, () => input.article.title || trendLine, 200);
  const hook = own('hook', draft.hook, () => trendLine || title, 300);
  const media = new Map(input.media.map((medium) => [medium.mediaId, medium]));
  const scenes: StorySceneV1[] = draft.scenes.map((scene, index) => {
    const at = `scenes[${index}]`;
    const narration = own(`${at}.narration`, scene.narration, () => sentences[index] ?? title, 1200);
    model.push(`${at}.mediaId`, `${at}.durationS`);
    code.push(`${at}.onScreen`, `${at}.startS`, `${at}.endS`);
    const medium: StoryMedia | undefined = scene.mediaId === null ? undefined : media.get(scene.mediaId);
    const video = medium?.kind === 'video';
    return {
      narration,
      onScreen: clip(medium?.caption?.trim() || narration, medium?.caption?.trim() ? 600 : 80),
      mediaId: scene.mediaId,
      startS: video ? 0 : null,
      endS: video ? Math.min(scene.durationS, medium!.durationS ?? scene.durationS) : null,
      durationS: scene.durationS,
    };
  });
  code.push('hashtags', 'language', 'sourceUrl');
  const script = StoryScriptV1.parse({ title, hook, language: input.language, scenes, hashtags: hashtagsFor(input, input.language), sourceUrl: input.article.url });
  return { script, authorship: { model, code } };
}
