import { tmpdir } from 'node:os';
import { CommonEnv, ConfigError, loadEnv } from '#config';
import { Duration } from '#messaging';
import { z } from 'zod';

const MB = 1024 * 1024;
const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const ScraperEnv = {
  ...CommonEnv,
  /** The sources file; with no enabled source in it the bundled sample site is scraped. */
  SCRAPER_SOURCES: z.string().min(1).default('config/sources.yaml'),
  SCRAPER_USER_AGENT: z.string().min(1).max(256).default('trend-pipeline-bot/0.1 (+https://github.com/trend-pipeline; robots.txt honoured)'),
  /** The token robots.txt `User-agent:` groups are matched against. */
  SCRAPER_ROBOTS_AGENT: z.string().regex(/^[A-Za-z0-9_-]+$/).default('trend-pipeline-bot'),
  /** `off` in tests and in replicas that should only consume commands. */
  SCRAPER_SCHEDULER: z.enum(['on', 'off']).default('on'),
  SCRAPER_SCHEDULE_TICK: Duration.default(15_000),
  /** A slot is published only this soon after it starts, so replicas' publishes fall in one dedup window. */
  SCRAPER_SCHEDULE_GRACE: Duration.default(60_000),
  SCRAPER_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  SCRAPER_HOST_DELAY: Duration.default(1000),
  SCRAPER_MAX_CRAWL_DELAY: Duration.default(30_000),
  SCRAPER_ARTICLE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  SCRAPER_MAX_PAGE_BYTES: bytes(5 * MB),
  SCRAPER_MAX_FEED_BYTES: bytes(10 * MB),
  SCRAPER_MAX_IMAGE_BYTES: bytes(20 * MB),
  SCRAPER_MAX_VIDEO_BYTES: bytes(200 * MB),
  SCRAPER_MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  /** Longest side of a stored image; larger ones are scaled down. */
  SCRAPER_IMAGE_MAX_SIDE: z.coerce.number().int().min(64).max(16_384).default(2048),
  SCRAPER_THUMB_SIDE: z.coerce.number().int().min(32).max(1024).default(320),
  SCRAPER_MAX_VIDEO_SECONDS: z.coerce.number().positive().default(3 * 3600),
  SCRAPER_KEYFRAMES: z.coerce.number().int().min(1).max(20).default(3),
  SCRAPER_MEDIA_PER_ARTICLE: z.coerce.number().int().min(0).max(500).default(20),
  SCRAPER_TIMEOUT: Duration.default(30_000),
  SCRAPER_VIDEO_TIMEOUT: Duration.default(300_000),
  SCRAPER_CONNECT_TIMEOUT: Duration.default(10_000),
  SCRAPER_FFMPEG_TIMEOUT: Duration.default(60_000),
  SCRAPER_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  SCRAPER_RETRY_BASE: Duration.default(1000),
  SCRAPER_MAX_RETRY_AFTER: Duration.default(60_000),
  SCRAPER_MAX_REDIRECTS: z.coerce.number().int().min(0).max(10).default(5),
  /** An article row still without its text this long after creation is finished by the next run that meets it. */
  SCRAPER_RESUME_AFTER: Duration.default(15 * 60_000),
  /** Hamming distance of 64-bit SimHashes at or below which two texts are near-duplicates. */
  SCRAPER_NEAR_DUPLICATE_BITS: z.coerce.number().int().min(0).max(16).default(3),
  /** `host=addr[,addr];host2=addr`: static answers that win over DNS (like /etc/hosts); checked like any answer. */
  SCRAPER_DNS_OVERRIDES: z.string().default(''),
  /** Port of the bundled sample site when it is used; a fixed port keeps its article URLs stable across restarts. */
  SCRAPER_SAMPLE_SITE_PORT: z.coerce.number().int().min(0).max(65_535).default(47_180),
  SCRAPER_TMP_DIR: z.string().default(tmpdir()),
};

export type ScraperConfig = ReturnType<typeof loadScraperConfig>;

export function loadScraperConfig(env: NodeJS.ProcessEnv) {
  const config = loadEnv(ScraperEnv, env);
  return { ...config, dnsOverrides: parseDnsOverrides(config.SCRAPER_DNS_OVERRIDES) };
}

function parseDnsOverrides(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const [host, addresses] = entry.split('=');
    const list = (addresses ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    if (!host || list.length === 0) {
      throw new ConfigError(`Invalid environment:\n  SCRAPER_DNS_OVERRIDES ("${text.slice(0, 80)}"): write host=address[,address];host2=address`);
    }
    map.set(host.trim().toLowerCase(), list);
  }
  return map;
}

export const SCRAPER_CONFIG = Symbol('SCRAPER_CONFIG');
