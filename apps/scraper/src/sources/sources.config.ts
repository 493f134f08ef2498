import { existsSync } from 'node:fs';
import { ConfigError, loadYaml } from '#config';
import { Duration } from '#messaging';
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'an absolute http(s) URL' }).max(2048);

const SourceSchema = z
  .object({
    /** Stable id: the catalog's source key and the scheduler's message key. */
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'lowercase letters, digits, . _ - (max 128), starting with a letter or digit'),
    kind: z.enum(['rss', 'atom', 'sitemap', 'listing']),
    url: httpUrl,
    name: z.string().min(1).max(256).optional(),
    /** A category slug of the master table; when set it wins over the keyword rule. */
    category: z.string().min(1).max(64).optional(),
    lang: z.string().min(2).max(16).optional(),
    schedule: z
      .string()
      .transform((text, ctx) => {
        const parsed = Duration.safeParse(text);
        if (!parsed.success || parsed.data < 60_000) {
          ctx.addIssue({ code: 'custom', message: 'a period of at least 1m, such as 15m, 1h or 1d' });
          return z.NEVER;
        }
        return parsed.data;
      }),
    selectors: z
      .object({
        /** CSS selector of the links to articles (`a` elements, or elements containing them). */
        articleLinks: z.string().min(1).max(500),
        /** CSS selector of the link to the next listing page. */
        nextPage: z.string().min(1).max(500).optional(),
      })
      .optional(),
    /** Listing pages followed through `nextPage`, the first included. */
    maxPages: z.number().int().min(1).max(50).default(3),
    maxArticles: z.number().int().min(1).max(10_000).default(50),
    /**
     * Lets this source's own host be reached on a private or loopback address (an intranet site,
     * the bundled sample site, tests). Only that host: redirects and media elsewhere are still checked.
     */
    allowPrivate: z.boolean().default(false),
    /** Publishes a run when the scraper starts, not only at the next slot. */
    runOnStart: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((source, ctx) => {
    if (source.kind === 'listing' && !source.selectors) {
      ctx.addIssue({ code: 'custom', path: ['selectors'], message: 'a listing source needs selectors.articleLinks' });
    }
    if (source.kind !== 'listing' && source.selectors) {
      ctx.addIssue({ code: 'custom', path: ['selectors'], message: `selectors only apply to listing sources, not ${source.kind}` });
    }
  });

export type SourceConfig = z.infer<typeof SourceSchema>;
export type SourceInput = z.input<typeof SourceSchema>;

const SourcesFileSchema = z
  .object({ sources: z.array(SourceSchema).nullable().default([]) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const [index, source] of (file.sources ?? []).entries()) {
      if (seen.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `"${source.id}" is used twice` });
      seen.add(source.id);
    }
  });

/** Reads and checks the sources file; a missing file is an error that names it. */
export function loadSources(path: string): SourceConfig[] {
  if (!existsSync(path)) {
    throw new ConfigError(`The sources file ${path} does not exist: set SCRAPER_SOURCES to a YAML file (see config/sources.yaml)`);
  }
  return loadYaml(path, SourcesFileSchema).sources ?? [];
}

/** Validates sources built in code (the sample site) with the same rules as the file. */
export function parseSources(sources: SourceInput[]): SourceConfig[] {
  return z.array(SourceSchema).parse(sources);
}
