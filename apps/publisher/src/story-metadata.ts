import { StoryScriptV1, type CatalogUploadContextResponseV1 } from '#contracts';
import type { ChannelConfig, VideoMetadata } from '#youtube';

const TITLE_MAX = 100;
const DESCRIPTION_MAX = 5000;
const TAGS_MAX_CHARS = 500;

/**
 * The upload's snippet and status from the story script: title, a description that credits the
 * source article, tags from the hashtags, the language; `privacyStatus` always set and
 * `containsSyntheticMedia: true` (the video is generated). YouTube refuses `<` and `>` in titles
 * and descriptions, so they are replaced.
 */
export function buildMetadata(script: StoryScriptV1 | null, context: CatalogUploadContextResponseV1, channel: ChannelConfig): VideoMetadata {
  const title = clip(clean(script?.title ?? context.article.title), TITLE_MAX);
  const sourceUrl = script?.sourceUrl ?? context.article.url;
  const hashtags = (script?.hashtags ?? []).map((h) => h.replace(/^#/, '').trim()).filter(Boolean);
  const lines = [
    script?.hook ? clean(script.hook) : null,
    '',
    `Source: ${clean(context.article.title)}`,
    sourceUrl,
    '',
    'This video was generated automatically (script, voice and images) from the article above.',
    hashtags.length > 0 ? hashtags.map((h) => `#${h.replace(/\s+/g, '')}`).join(' ') : null,
  ].filter((line): line is string => line !== null);
  const language = script?.language ?? channel.language ?? 'und';
  return {
    snippet: {
      title: title || 'Untitled',
      description: clip(lines.join('\n'), DESCRIPTION_MAX),
      tags: fitTags(hashtags),
      categoryId: channel.categoryId,
      defaultLanguage: language,
      defaultAudioLanguage: language,
    },
    status: { privacyStatus: channel.privacy, selfDeclaredMadeForKids: false, containsSyntheticMedia: true },
  };
}

/** The story file's JSON as a script, or null when it is not one (the caller falls back to the article). */
export function parseScript(bytes: Buffer): StoryScriptV1 | null {
  try {
    const parsed = StoryScriptV1.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function clean(text: string): string {
  return text.replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}

/** YouTube counts a tag with a space as quoted (+2) plus a comma between tags; 500 characters in all. */
function fitTags(tags: string[]): string[] {
  const out: string[] = [];
  let used = 0;
  for (const tag of tags) {
    const cost = tag.length + (tag.includes(' ') ? 2 : 0) + (out.length > 0 ? 1 : 0);
    if (used + cost > TAGS_MAX_CHARS) break;
    out.push(tag);
    used += cost;
  }
  return out;
}
