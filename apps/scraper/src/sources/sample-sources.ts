import { parseSources, type SourceConfig } from './sources.config.js';

/**
 * What `npm start` scrapes when config/sources.yaml has no enabled source: the bundled sample site
 * through all three kinds of source. They overlap on purpose, so the logs show URL and content
 * de-duplication at work; robots.txt forbids one listed link.
 */
export function sampleSources(origin: string): SourceConfig[] {
  const common = { schedule: '30m', allowPrivate: true, runOnStart: true, maxArticles: 20 };
  return parseSources([
    { id: 'sample-rss', kind: 'rss', url: `${origin}/feed.xml`, name: 'Sample News (RSS)', ...common },
    { id: 'sample-sitemap', kind: 'sitemap', url: `${origin}/sitemap-news.xml`, name: 'Sample News (news sitemap)', ...common },
    {
      id: 'sample-listing',
      kind: 'listing',
      url: `${origin}/news/index.html`,
      name: 'Sample News (listing pages)',
      selectors: { articleLinks: 'li.headline a', nextPage: 'a.next' },
      ...common,
    },
  ]);
}
