import { CommonEnv, ConfigError, loadEnv, loadYaml } from '#config';
import { LLM_BACKENDS } from '#llm';
import { z } from 'zod';

/** The variables of the story stage; the defaults run the template writer (no model) on one machine. */
export const StoryEnv = {
  ...CommonEnv,
  /**
   * `standin`: the deterministic template writer, no model (named `standin-template` in every record).
   * `http`: an OpenAI-compatible chat server (vLLM, llama-server, Ollama, a hosted API).
   */
  STORY_BACKEND: z.enum(['standin', 'http']).default('standin'),
  STORY_LLM_URL: z.string().url().optional(),
  STORY_LLM_MODEL: z.string().min(1).max(128).optional(),
  /** From a secret; never logged. */
  STORY_LLM_API_KEY: z.string().optional(),
  /** The server's dialect for JSON-schema output (docs/llm.md). */
  STORY_LLM_SERVER: z.enum(LLM_BACKENDS).default('openai'),
  STORY_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  STORY_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** The model's context; the article text is trimmed so that the prompt and the reply fit. */
  STORY_LLM_CONTEXT_TOKENS: z.coerce.number().int().min(256).max(10_000_000).default(8192),
  STORY_LLM_MAX_TOKENS: z.coerce.number().int().min(32).max(100_000).default(1500),
  /**
   * What the model is asked to write. `full`: every field of the script (capable models). `compact`:
   * title, hook and per scene narration, medium and whole-second duration, every value bounded by
   * the grammar, with a reply budget computed from that schema (STORY_LLM_MAX_TOKENS is not used);
   * on-screen text, video segments and hashtags are filled by code and recorded as such. For small
   * grammar-constrained engines (a llama-server with a sub-1B model).
   */
  STORY_LLM_DRAFT: z.enum(['full', 'compact']).default('full'),
  /** Whether the server takes images (data URLs); text-only servers get captions only. */
  STORY_LLM_IMAGES: z.enum(['true', 'false']).default('true'),
  /** The narration language; picks `config/prompts/<category>.<language>.yaml`. */
  STORY_LANGUAGE: z.string().regex(/^[a-z]{2,3}$/, 'a two- or three-letter language code such as ko or en').default('ko'),
  STORY_PROMPTS_DIR: z.string().default('config/prompts'),
  STORY_POLICY: z.string().default('config/story.yaml'),
  /** Images sent to the model at most, and the side they are shrunk to. */
  STORY_MAX_IMAGES: z.coerce.number().int().min(0).max(32).default(4),
  STORY_IMAGE_SIDE: z.coerce.number().int().min(64).max(2048).default(512),
  /** Keyframes taken from each video (first frame, then evenly spread). */
  STORY_VIDEO_KEYFRAMES: z.coerce.number().int().min(0).max(8).default(2),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
};

/** Which trends get a story: per category (or the default), per UTC day. */
const CategoryPolicy = z.object({
  /** Stories per category per UTC day at most. */
  perDay: z.number().int().min(0).max(10_000).optional(),
  /** Trends scoring below this get none. */
  minScore: z.number().optional(),
  /** Lifecycle stages that get a story (events without a stage always qualify). */
  stages: z.array(z.string().min(1).max(32)).optional(),
});
export const StoryPolicyFile = z.object({
  default: CategoryPolicy.required(),
  categories: z.record(z.string(), CategoryPolicy).default({}),
});
export type StoryPolicy = z.infer<typeof StoryPolicyFile>;
export type ResolvedPolicy = Required<z.infer<typeof CategoryPolicy>>;

export function policyFor(policy: StoryPolicy, category: string | null): ResolvedPolicy {
  return { ...policy.default, ...(category ? policy.categories[category] : undefined) } as ResolvedPolicy;
}

export interface StoryConfig {
  backend: 'standin' | 'http';
  llm: {
    url?: string;
    model?: string;
    apiKey?: string;
    server: (typeof LLM_BACKENDS)[number];
    timeoutMs: number;
    maxRetries: number;
    contextTokens: number;
    maxTokens: number;
    draft: 'full' | 'compact';
    images: boolean;
  };
  language: string;
  promptsDir: string;
  policy: StoryPolicy;
  maxImages: number;
  imageSide: number;
  videoKeyframes: number;
  ffmpegPath: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadStoryConfig(env: NodeJS.ProcessEnv): StoryConfig {
  const parsed = loadEnv(StoryEnv, env);
  if (parsed.STORY_BACKEND === 'http' && (!parsed.STORY_LLM_URL || !parsed.STORY_LLM_MODEL)) {
    throw new ConfigError('Invalid environment:\n  STORY_BACKEND=http needs STORY_LLM_URL (e.g. http://vllm:8000/v1) and STORY_LLM_MODEL');
  }
  return {
    backend: parsed.STORY_BACKEND,
    llm: {
      url: parsed.STORY_LLM_URL,
      model: parsed.STORY_LLM_MODEL,
      apiKey: parsed.STORY_LLM_API_KEY,
      server: parsed.STORY_LLM_SERVER,
      timeoutMs: parsed.STORY_LLM_TIMEOUT_MS,
      maxRetries: parsed.STORY_LLM_MAX_RETRIES,
      contextTokens: parsed.STORY_LLM_CONTEXT_TOKENS,
      maxTokens: parsed.STORY_LLM_MAX_TOKENS,
      draft: parsed.STORY_LLM_DRAFT,
      images: parsed.STORY_LLM_IMAGES === 'true',
    },
    language: parsed.STORY_LANGUAGE,
    promptsDir: parsed.STORY_PROMPTS_DIR,
    policy: loadYaml(parsed.STORY_POLICY, StoryPolicyFile),
    maxImages: parsed.STORY_MAX_IMAGES,
    imageSide: parsed.STORY_IMAGE_SIDE,
    videoKeyframes: parsed.STORY_VIDEO_KEYFRAMES,
    ffmpegPath: parsed.FFMPEG_PATH,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

export const STORY_CONFIG = Symbol('STORY_CONFIG');
export const STORY_WRITER = Symbol('STORY_WRITER');
