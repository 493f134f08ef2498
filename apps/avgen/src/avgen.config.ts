import { CommonEnv, ConfigError, loadEnv } from '#config';
import { z } from 'zod';

const size = z.string().regex(/^\d{2,5}x\d{2,5}$/, 'WIDTHxHEIGHT, e.g. 720x1280');

/** The variables of the avgen stage; the defaults render with the embedded stand-in. */
export const AvgenEnv = {
  ...CommonEnv,
  /** `standin`: the embedded ffmpeg renderer (standin-ffmpeg). `http`: an AV model pod (Videos-shaped job API). */
  AVGEN_BACKEND: z.enum(['standin', 'http']).default('standin'),
  AVGEN_URL: z.url().optional(),
  AVGEN_MODEL: z.string().min(1).max(128).optional(),
  /** A secret: from a Kubernetes Secret, never logged. */
  AVGEN_API_KEY: z.string().optional(),
  /** Size asked of the model. */
  AVGEN_SIZE: size.default('720x1280'),
  /** The longest clip one job may ask for; a longer story goes scene by scene. */
  AVGEN_MAX_SECONDS: z.coerce.number().int().min(1).max(600).default(12),
  /** `auto`: one job for the story when it fits AVGEN_MAX_SECONDS, else one per scene. */
  AVGEN_GRANULARITY: z.enum(['auto', 'story', 'scene']).default('auto'),
  AVGEN_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(5000),
  /** A job not finished after this long fails the attempt (the message is retried and resumes it). */
  AVGEN_JOB_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30 * 60_000),
  /** Jobs per part (an expired, lost or failed job starts the next); then the story is dead-lettered. */
  AVGEN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  AVGEN_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Narration for video-only models: an OpenAI-compatible speech server; unset = espeak-ng. */
  AVGEN_SPEECH_URL: z.url().optional(),
  AVGEN_SPEECH_MODEL: z.string().min(1).max(60).default('tts-1'),
  AVGEN_SPEECH_VOICE: z.string().min(1).max(60).default('alloy'),
  AVGEN_SPEECH_API_KEY: z.string().optional(),
  /** The output frame (stand-in render, and clips joined from a model). */
  AVGEN_OUTPUT_SIZE: size.default('1080x1920'),
  AVGEN_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('ultrafast'),
  AVGEN_RENDER_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
};

export interface AvgenConfig {
  backend: 'standin' | 'http';
  model: { url: string; model: string; apiKey?: string; size: string; maxSeconds: number; granularity: 'auto' | 'story' | 'scene' } | null;
  pollMs: number;
  jobTimeoutMs: number;
  maxAttempts: number;
  httpTimeoutMs: number;
  speech: { url: string; model: string; voice: string; apiKey?: string } | null;
  output: { width: number; height: number; fps: number };
  preset: string;
  renderTimeoutMs: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'text' | 'json';
}

function dimensions(text: string): { width: number; height: number } {
  const [width, height] = text.split('x').map(Number) as [number, number];
  return { width, height };
}

export function loadAvgenConfig(env: NodeJS.ProcessEnv): AvgenConfig {
  const e = loadEnv(AvgenEnv, env);
  const output = dimensions(e.AVGEN_OUTPUT_SIZE);
  if (output.width % 2 || output.height % 2) throw new ConfigError(`Invalid environment:\n  AVGEN_OUTPUT_SIZE (${e.AVGEN_OUTPUT_SIZE}): width and height must be even`);
  if (e.AVGEN_BACKEND === 'http' && (!e.AVGEN_URL || !e.AVGEN_MODEL)) {
    throw new ConfigError(`Invalid environment:\n  AVGEN_URL and AVGEN_MODEL are required when AVGEN_BACKEND=http (AVGEN_URL ${e.AVGEN_URL ? 'set' : 'unset'}, AVGEN_MODEL ${e.AVGEN_MODEL ? 'set' : 'unset'})`);
  }
  return {
    backend: e.AVGEN_BACKEND,
    model:
      e.AVGEN_BACKEND === 'http'
        ? { url: e.AVGEN_URL!, model: e.AVGEN_MODEL!, apiKey: e.AVGEN_API_KEY || undefined, size: e.AVGEN_SIZE, maxSeconds: e.AVGEN_MAX_SECONDS, granularity: e.AVGEN_GRANULARITY }
        : null,
    pollMs: e.AVGEN_POLL_MS,
    jobTimeoutMs: e.AVGEN_JOB_TIMEOUT_MS,
    maxAttempts: e.AVGEN_MAX_ATTEMPTS,
    httpTimeoutMs: e.AVGEN_HTTP_TIMEOUT_MS,
    speech: e.AVGEN_SPEECH_URL
      ? { url: e.AVGEN_SPEECH_URL, model: e.AVGEN_SPEECH_MODEL, voice: e.AVGEN_SPEECH_VOICE, apiKey: e.AVGEN_SPEECH_API_KEY || undefined }
      : null,
    output: { ...output, fps: 30 },
    preset: e.AVGEN_PRESET,
    renderTimeoutMs: e.AVGEN_RENDER_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

export const AVGEN_CONFIG = Symbol('AVGEN_CONFIG');
