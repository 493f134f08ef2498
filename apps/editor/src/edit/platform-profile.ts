import { loadYaml } from '#config';
import { ConfigError } from '#config';
import { z } from 'zod';

/** What an edited video must be for one platform; the QA gate checks every output against it. */
export const PlatformProfile = z.object({
  maxDurationS: z.number().positive().max(43_200),
  minDurationS: z.number().nonnegative().default(1),
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192),
  fps: z.number().int().positive().max(120),
  videoBitrateCrf: z.number().int().min(0).max(51).default(20),
  audioSampleRate: z.number().int().positive().default(48_000),
  audioChannels: z.number().int().min(1).max(8).default(2),
  audioBitrateKbps: z.number().int().positive().default(192),
  loudnessLufs: z.number().min(-70).max(0),
  loudnessToleranceLu: z.number().positive().max(10).default(1),
  truePeakDb: z.number().min(-20).max(0),
  maxAvDriftMs: z.number().nonnegative().default(40),
  maxBlackS: z.number().positive().default(1),
  maxFrozenS: z.number().positive().default(3),
});
export type PlatformProfile = z.infer<typeof PlatformProfile> & { name: string };

const ProfileFile = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a profile name is lowercase letters, digits and -'), PlatformProfile);

/** Loads `config/platform-profiles.yaml` (or another file) and picks one profile by name. */
export function loadPlatformProfile(path: string, name: string): PlatformProfile {
  const profiles = loadYaml(path, ProfileFile);
  const profile = profiles[name];
  if (!profile) throw new ConfigError(`Invalid environment:\n  EDITOR_PLATFORM_PROFILE ("${name}"): no such profile in ${path} (has: ${Object.keys(profiles).join(', ')})`);
  return { name, ...profile };
}

/** The Shorts profile as shipped, for tests and benches that do not read the file. */
export const YOUTUBE_SHORTS: PlatformProfile = {
  name: 'youtube-shorts',
  maxDurationS: 180,
  minDurationS: 1,
  width: 1080,
  height: 1920,
  fps: 30,
  videoBitrateCrf: 20,
  audioSampleRate: 48_000,
  audioChannels: 2,
  audioBitrateKbps: 192,
  loudnessLufs: -14,
  loudnessToleranceLu: 1,
  truePeakDb: -1,
  maxAvDriftMs: 40,
  maxBlackS: 1,
  maxFrozenS: 3,
};
