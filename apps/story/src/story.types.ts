import type { StoryScriptV1 } from '#contracts';

/** A prompt template of `config/prompts/`: its id and version are recorded with every story. */
export interface PromptTemplate {
  id: string;
  version: number;
  language: string;
  system: string;
  user: string;
}

/** One of the article's media as the writer sees it. */
export interface StoryMedia {
  mediaId: number;
  kind: 'image' | 'video';
  caption: string | null;
  durationS: number | null;
  /** JPEG data URLs: the image, or keyframes of the video; empty when none could be made. */
  dataUrls: string[];
}

export interface StoryInput {
  trend: { trendId: number; text: string; category: string | null; score: number };
  article: { articleId: number; url: string; title: string; text: string; lang: string | null };
  media: StoryMedia[];
  language: string;
  template: PromptTemplate;
}

export interface WrittenStory {
  script: StoryScriptV1;
  model: string;
  standIn: boolean;
  templateId: string;
  templateVersion: number;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  finishReason: string;
  repairs: number;
  /** Whether the article text was cut to fit the context, and our estimate of the prompt. */
  textTrimmed: boolean;
  estimatedPromptTokens: number;
  /** The draft schema the model answered (`full` or `compact`); null for the stand-in. */
  draft: 'full' | 'compact' | null;
  /** The model's reply as it validated, before the stage grew it into the script; null for the stand-in. */
  modelOutput: unknown;
  /** Which fields of the script the model wrote and which the code filled (JSON paths). */
  authorship: Authorship;
  /** The messages sent (images as placeholders), kept beside the story; null for the stand-in. */
  prompt: { role: string; content: string }[] | null;
}

/** Paths of the script's fields (`title`, `scenes[0].onScreen`) by who wrote them. */
export interface Authorship {
  model: string[];
  code: string[];
}

/** A story writer: the template stand-in or a model behind the chat client. */
export interface StoryWriter {
  readonly model: string;
  readonly standIn: boolean;
  /** The variant a story of this writer is stored under: one story per (trend, article, version). */
  versionFor(template: PromptTemplate): number;
  write(input: StoryInput): Promise<WrittenStory>;
}
