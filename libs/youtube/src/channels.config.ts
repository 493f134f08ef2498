import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, loadYaml } from '#config';
import { z } from 'zod';
import { GOOGLE_ENDPOINTS, type YoutubeEndpoints } from './youtube.client.js';
import { DEFAULT_QUOTA_LIMITS } from './youtube.types.js';

/** Variables of every app that talks to YouTube (publisher, metrics). */
export const YoutubeEnv = {
  /** Channels, routing rules and quota limits (see docs/publisher.md). */
  YOUTUBE_CHANNELS: z.string().min(1).default('config/channels.yaml'),
  /**
   * `on`: talk to the fake YouTube of this repo on 127.0.0.1:YOUTUBE_FAKE_PORT (the first app that
   * needs it starts it), with fake credentials; records name the platform `youtube-fake`.
   */
  YOUTUBE_FAKE: z.enum(['on', 'off']).default('off'),
  YOUTUBE_FAKE_PORT: z.coerce.number().int().min(1).max(65_535).default(8765),
  YOUTUBE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  YOUTUBE_ANALYTICS_URL: z.url({ protocol: /^https?$/ }).optional(),
  YOUTUBE_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  YOUTUBE_CLIENT_ID: z.string().min(1).optional(),
  YOUTUBE_CLIENT_SECRET: z.string().min(1).optional(),
  /** The client secret from a mounted secret file instead of the environment. */
  YOUTUBE_CLIENT_SECRET_FILE: z.string().min(1).optional(),
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const Secret = z.union([z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }), z.object({ file: z.string().min(1) })]);
const Privacy = z.enum(['private', 'unlisted', 'public']);
const Settings = z.object({
  privacy: Privacy.optional(),
  dailyCap: z.number().int().min(0).max(10_000).optional(),
  windows: z.array(z.string().regex(HHMM, 'a window HH:MM-HH:MM')).min(1).optional(),
  timezone: z.string().min(1).optional(),
  categoryId: z.string().regex(/^\d{1,3}$/).optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).optional(),
  /** Daily limits of the channel's buckets (its Cloud project's quota). */
  quota: z.object({ uploads: z.number().int().min(0).optional(), general: z.number().int().min(0).optional() }).optional(),
  /** Whether the token carries `yt-analytics.readonly` (daily views per video). */
  analytics: z.boolean().optional(),
});

const ChannelsFile = z.object({
  defaults: Settings.default({}),
  channels: z
    .array(Settings.extend({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, _ . -'), refreshToken: Secret.optional() }))
    .min(1),
  routes: z.array(z.object({ categories: z.array(z.string().min(1)).min(1), channels: z.array(z.string()).min(1) })).min(1),
});

export interface ChannelConfig {
  name: string;
  refreshToken: string;
  privacy: 'private' | 'unlisted' | 'public';
  dailyCap: number;
  windows: { startMin: number; endMin: number }[];
  timezone: string;
  categoryId: string;
  language: string | null;
  quota: { uploads: number; general: number };
  analytics: boolean;
}

export interface YoutubeConfig {
  /** `youtube`, or `youtube-fake` when the fake of this repo stands in for it. */
  platform: string;
  fake: { port: number } | null;
  endpoints: YoutubeEndpoints & { tokenUrl: string };
  clientId: string;
  clientSecret: string;
  channels: ChannelConfig[];
  routes: { categories: string[]; channels: string[] }[];
}

/**
 * Reads the channels file and each channel's refresh token (from the variable or secret file it
 * names). Fails at start, naming what is missing; tokens never appear in the message.
 */
export function loadYoutubeConfig(env: z.infer<z.ZodObject<typeof YoutubeEnv>>, processEnv: NodeJS.ProcessEnv): YoutubeConfig {
  const file = loadYaml(env.YOUTUBE_CHANNELS, ChannelsFile);
  const fake = env.YOUTUBE_FAKE === 'on';
  const names = new Set<string>();
  const channels = file.channels.map((raw): ChannelConfig => {
    if (names.has(raw.name)) throw new ConfigError(`${env.YOUTUBE_CHANNELS}: channel ${raw.name} is listed twice`);
    names.add(raw.name);
    const s = { ...file.defaults, ...stripUndefined(raw) };
    return {
      name: raw.name,
      refreshToken: fake ? `fake-refresh-${raw.name}` : secret(raw.refreshToken, `${env.YOUTUBE_CHANNELS}: channel ${raw.name}`, processEnv),
      privacy: s.privacy ?? 'private',
      dailyCap: s.dailyCap ?? DEFAULT_QUOTA_LIMITS.uploads,
      windows: (s.windows ?? ['00:00-24:00']).map(parseWindow),
      timezone: checkTimezone(s.timezone ?? 'UTC', env.YOUTUBE_CHANNELS),
      categoryId: s.categoryId ?? '25',
      language: s.language ?? null,
      quota: { uploads: s.quota?.uploads ?? DEFAULT_QUOTA_LIMITS.uploads, general: s.quota?.general ?? DEFAULT_QUOTA_LIMITS.general },
      analytics: s.analytics ?? true,
    };
  });
  for (const route of file.routes) {
    for (const name of route.channels) if (!names.has(name)) throw new ConfigError(`${env.YOUTUBE_CHANNELS}: a route names channel ${name}, which is not in channels`);
  }
  if (fake) {
    const base = `http://127.0.0.1:${env.YOUTUBE_FAKE_PORT}`;
    return { platform: 'youtube-fake', fake: { port: env.YOUTUBE_FAKE_PORT }, endpoints: { apiBase: base, analyticsBase: base, tokenUrl: `${base}/token` }, clientId: 'fake-client', clientSecret: 'fake-secret', channels, routes: file.routes };
  }
  const clientSecret = env.YOUTUBE_CLIENT_SECRET ?? (env.YOUTUBE_CLIENT_SECRET_FILE ? readSecretFile(env.YOUTUBE_CLIENT_SECRET_FILE, 'YOUTUBE_CLIENT_SECRET_FILE') : undefined);
  if (!env.YOUTUBE_CLIENT_ID || !clientSecret) {
    throw new ConfigError('Invalid environment:\n  YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET (or YOUTUBE_CLIENT_SECRET_FILE) are required to talk to YouTube (or set YOUTUBE_FAKE=on)');
  }
  return {
    platform: 'youtube',
    fake: null,
    endpoints: {
      apiBase: env.YOUTUBE_API_URL ?? GOOGLE_ENDPOINTS.apiBase,
      analyticsBase: env.YOUTUBE_ANALYTICS_URL ?? env.YOUTUBE_API_URL ?? GOOGLE_ENDPOINTS.analyticsBase,
      tokenUrl: env.YOUTUBE_TOKEN_URL ?? GOOGLE_ENDPOINTS.tokenUrl,
    },
    clientId: env.YOUTUBE_CLIENT_ID,
    clientSecret,
    channels,
    routes: file.routes,
  };
}

function secret(ref: z.infer<typeof Secret> | undefined, where: string, processEnv: NodeJS.ProcessEnv): string {
  if (!ref) throw new ConfigError(`${where} has no refreshToken ({ env: NAME } or { file: PATH })`);
  if ('env' in ref) {
    const value = processEnv[ref.env];
    if (!value) throw new ConfigError(`Invalid environment:\n  ${ref.env} (unset): the refresh token of ${where.split(': ')[1]}`);
    return value.trim();
  }
  return readSecretFile(ref.file, where);
}

function readSecretFile(path: string, what: string): string {
  if (!existsSync(path)) throw new ConfigError(`${what}: secret file ${path} does not exist`);
  const value = readFileSync(path, 'utf8').trim();
  if (!value) throw new ConfigError(`${what}: secret file ${path} is empty`);
  return value;
}

function parseWindow(text: string): { startMin: number; endMin: number } {
  const [start, end] = text.split('-') as [string, string];
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return { startMin: minutes(start), endMin: minutes(end) };
}

function checkTimezone(tz: string, file: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    throw new ConfigError(`${file}: unknown timezone "${tz}" (an IANA name such as Asia/Seoul)`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Minutes since local midnight in a timezone. */
export function localMinutes(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** 0 when `at` is inside one of the channel's windows, else the milliseconds until the next one opens. */
export function msUntilWindow(channel: Pick<ChannelConfig, 'windows' | 'timezone'>, at: Date): number {
  const now = localMinutes(at, channel.timezone);
  let best = Number.POSITIVE_INFINITY;
  for (const w of channel.windows) {
    const inside = w.startMin <= w.endMin ? now >= w.startMin && now < w.endMin : now >= w.startMin || now < w.endMin;
    if (inside) return 0;
    best = Math.min(best, (w.startMin - now + 1440) % 1440);
  }
  return best * 60_000 - at.getUTCSeconds() * 1000;
}
