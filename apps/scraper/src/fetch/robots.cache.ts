import robotsParserModule from 'robots-parser';
import { FetchError } from './fetch.errors.js';
import type { FetchClientOptions, FetchSession } from './fetch.client.js';
import type { HostLimiter } from './host.limiter.js';

interface ParsedRobots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}

// A CommonJS module whose typings declare an ES default export: at run time the import is the function.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => ParsedRobots;

/** null when the URL may be fetched, else why not. */
type RobotsRule = (url: URL) => string | null;

const ALLOW_ALL: RobotsRule = () => null;

/**
 * robots.txt, fetched once per origin per run (RFC 9309): 2xx is parsed; 4xx means no rules;
 * a 5xx, a timeout or a network failure means "assume complete disallow" for this run. A refused
 * address stays a refusal, so the error says why and not "robots".
 */
export class RobotsCache {
  private readonly rules = new Map<string, Promise<RobotsRule>>();

  constructor(
    private readonly session: FetchSession,
    private readonly limiter: HostLimiter,
    private readonly options: Pick<FetchClientOptions, 'robotsAgent' | 'robotsMaxBytes'>,
  ) {}

  /** null when allowed, else the reason the URL must not be fetched. */
  async refusal(url: URL): Promise<string | null> {
    let rule = this.rules.get(url.origin);
    if (!rule) {
      rule = this.load(url);
      this.rules.set(url.origin, rule);
    }
    return (await rule)(url);
  }

  private async load(url: URL): Promise<RobotsRule> {
    const robotsUrl = `${url.origin}/robots.txt`;
    let text: string;
    try {
      const fetched = await this.session.fetch({
        url: robotsUrl,
        maxBytes: this.options.robotsMaxBytes,
        accept: 'text/plain, */*;q=0.1',
        truncate: true,
        skipRobots: true,
      });
      text = fetched.body.toString('utf8');
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      if (error.code === 'blocked-address' || error.code === 'bad-url') throw error;
      if (error.code === 'http-status' && error.status !== null && error.status >= 400 && error.status < 500) return ALLOW_ALL;
      if (error.code === 'redirects') return ALLOW_ALL;
      const why = `robots.txt of ${url.host} could not be read (${error.message}), which RFC 9309 says to treat as "disallow everything" for now`;
      return () => why;
    }
    const parsed = robotsParser(robotsUrl, text);
    const agent = this.options.robotsAgent;
    const delay = parsed.getCrawlDelay(agent);
    if (typeof delay === 'number' && delay > 0) this.limiter.setCrawlDelay(url.host, delay * 1000);
    return (target) =>
      parsed.isAllowed(target.href, agent) === false ? `robots.txt of ${target.host} disallows ${target.pathname} for ${agent}` : null;
  }
}
