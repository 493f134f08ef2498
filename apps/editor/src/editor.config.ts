import { tmpdir } from 'node:os';
import { CommonEnv, ConfigError, loadEnv } from '#config';
import { LLM_BACKENDS } from '#llm';
import { z } from 'zod';
import { loadPlatformProfile, type PlatformProfile } from './edit/index.js';

/** The stand-in's name in every record it writes: ffmpeg and heuristics, no model. */
export const STANDIN_EDITOR = 'standin-ffmpeg-editor';

/** The variables of the editor stage; the defaults run the heuristic stand-in on one machine. */
export const EditorEnv = {
  ...CommonEnv,
  /** A profile of `EDITOR_PROFILES_FILE`: what the edited video must be. */
  EDITOR_PLATFORM_PROFILE: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a profile name such as youtube-shorts').default('youtube-shorts'),
  EDITOR_PROFILES_FILE: z.string().min(1).default('config/platform-profiles.yaml'),
  /** `heuristic`: silence cuts, trim, scene-change thumbnail. `model`: a chat model plans and reviews (keyframes + script). */
  EDITOR_PLANNER: z.enum(['heuristic', 'model']).default('heuristic'),
  EDITOR_LLM_URL: z.string().url().optional(),
  EDITOR_LLM_MODEL: z.string().min(1).max(128).optional(),
  EDITOR_LLM_API_KEY: z.string().optional(),
  EDITOR_LLM_SERVER: z.enum(LLM_BACKENDS).default('openai'),
  EDITOR_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  EDITOR_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  EDITOR_LLM_MAX_TOKENS: z.coerce.number().int().min(64).max(100_000).default(1500),
  EDITOR_REVIEW_FRAMES: z.coerce.number().int().min(1).max(32).default(6),
  EDITOR_REVIEW_FRAME_SIDE: z.coerce.number().int().min(64).max(2048).default(512),
  /** `true`: a model verdict that the video does not match the story dead-letters it (otherwise it is recorded and logged). */
  EDITOR_REVIEW_BLOCKS: z.enum(['true', 'false']).default('false'),
  EDITOR_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('superfast'),
  EDITOR_SILENCE_DB: z.coerce.number().min(-90).max(0).default(-35),
  EDITOR_SILENCE_MIN_S: z.coerce.number().min(0.1).max(30).default(0.6),
  EDITOR_SCENE_THRESHOLD: z.coerce.number().min(0.01).max(1).default(0.3),
  /** One ffmpeg run is killed after this long. */
  EDITOR_TIMEOUT_MS: z.coerce.number().int().min(1000).max(7_200_000).default(600_000),
  /** Per-edit temp folders go here (input, output, scans); removed after each edit. */
  EDITOR_WORK_DIR: z.string().min(1).default(tmpdir()),
};

export interface EditorConfig {
  profile: PlatformProfile;
  planner: 'heuristic' | 'model';
  llm: { url: string; model: string; apiKey?: string; server: (typeof LLM_BACKENDS)[number]; timeoutMs: number; maxRetries: number; maxTokens: number } | null;
  review: { frames: number; frameSide: number; blocks: boolean };
  x264Preset: string;
  silenceThresholdDb: number;
  silenceMinS: number;
  sceneThreshold: number;
  timeoutMs: number;
  workDir: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

export function loadEditorConfig(env: NodeJS.ProcessEnv): EditorConfig {
  const parsed = loadEnv(EditorEnv, env);
  if (parsed.EDITOR_PLANNER === 'model' && (!parsed.EDITOR_LLM_URL || !parsed.EDITOR_LLM_MODEL)) {
    throw new ConfigError('Invalid environment:\n  EDITOR_PLANNER=model needs EDITOR_LLM_URL (e.g. http://vllm:8000/v1) and EDITOR_LLM_MODEL');
  }
  return {
    profile: loadPlatformProfile(parsed.EDITOR_PROFILES_FILE, parsed.EDITOR_PLATFORM_PROFILE),
    planner: parsed.EDITOR_PLANNER,
    llm:
      parsed.EDITOR_PLANNER === 'model'
        ? {
            url: parsed.EDITOR_LLM_URL!,
            model: parsed.EDITOR_LLM_MODEL!,
            apiKey: parsed.EDITOR_LLM_API_KEY,
            server: parsed.EDITOR_LLM_SERVER,
            timeoutMs: parsed.EDITOR_LLM_TIMEOUT_MS,
            maxRetries: parsed.EDITOR_LLM_MAX_RETRIES,
            maxTokens: parsed.EDITOR_LLM_MAX_TOKENS,
          }
        : null,
    review: { frames: parsed.EDITOR_REVIEW_FRAMES, frameSide: parsed.EDITOR_REVIEW_FRAME_SIDE, blocks: parsed.EDITOR_REVIEW_BLOCKS === 'true' },
    x264Preset: parsed.EDITOR_X264_PRESET,
    silenceThresholdDb: parsed.EDITOR_SILENCE_DB,
    silenceMinS: parsed.EDITOR_SILENCE_MIN_S,
    sceneThreshold: parsed.EDITOR_SCENE_THRESHOLD,
    timeoutMs: parsed.EDITOR_TIMEOUT_MS,
    workDir: parsed.EDITOR_WORK_DIR,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

export const EDITOR_CONFIG = Symbol('EDITOR_CONFIG');
/** The chat client of the model planner; null with the heuristic planner. */
export const REVIEW_CHAT = Symbol('REVIEW_CHAT');
