import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './fake-faults.js';

const KR_TERMS = [
  ['주말 캠핑', '5000+'], ['손흥민', '2000+'], ['기준금리', '1000+'], ['아이돌 컴백', '1000+'], ['장마', '500+'], ['전기차 보조금', '500+'],
  ['야구 결승', '200+'], ['수면 연구', '200+'], ['로봇 연구소', '200+'], ['폭염 쉼터', '100+'], ['환율', '100+'], ['캠핑 장비', '100+'],
];
const OTHER_TERMS = [['weekend camping', '5000+'], ['rate decision', '2000+'], ['robot lab', '500+'], ['sleep study', '200+']];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Google writes pubDate with a fixed -0700 offset, whatever the country: the fake does too. */
function pubDate(ms: number): string {
  const d = new Date(ms - 7 * 3_600_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} -0700`;
}

/** The feed's shape as Google serves it: RSS 2.0, `ht:` namespace, 0-3 news items per trend. */
export function trendingRss(geo: string, nowMs: number): string {
  const terms = geo === 'KR' ? KR_TERMS : OTHER_TERMS;
  const hour = Math.floor(nowMs / 3_600_000);
  // The list rotates by the hour, as the real one changes through the day.
  const rotated = terms.map((_, i) => terms[(i + hour) % terms.length]!).slice(0, 10);
  const items = rotated
    .map(([term, traffic], i) => {
      const news = Array.from({ length: i % 4 }, (_, j) =>
        `<ht:news_item><ht:news_item_title>${escape(`${term} 관련 소식 ${j + 1}`)}</ht:news_item_title>` +
          `<ht:news_item_url>https://news.example.kr/${encodeURIComponent(term!)}/${j + 1}</ht:news_item_url>` +
          `<ht:news_item_picture>https://news.example.kr/img/${j + 1}.jpg</ht:news_item_picture><ht:news_item_source>예시뉴스</ht:news_item_source></ht:news_item>`,
      ).join('');
      return `<item><title>${escape(term!)}</title><ht:approx_traffic>${traffic}</ht:approx_traffic><description></description>` +
        `<link>https://trends.google.com/trending/rss?geo=${geo}</link><pubDate>${pubDate(nowMs - i * 1_800_000)}</pubDate>` +
        `<ht:picture>https://encrypted-tbn0.gstatic.com/images?q=${i}</ht:picture><ht:picture_source>예시뉴스</ht:picture_source>${news}</item>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ht="https://trends.google.com/trending/rss" version="2.0">` +
    `<channel><title>Daily Search Trends</title><description>Recent searches</description><link>https://trends.google.com/trending/rss?geo=${geo}</link>` +
    `<atom:link href="https://trends.google.com/trending/rss?geo=${geo}" rel="self" type="application/rss+xml"></atom:link>\n${items}\n</channel></rss>`;
}

/**
 * A local stand-in for `trends.google.com/trending/rss` on 127.0.0.1: same path, query and
 * answer shape; faults (429, 5xx, a body that is not RSS) can be queued.
 */
export class FakeGoogleTrends {
  readonly faults = new Faults();
  requests = 0;
  /** A body to serve instead of the generated feed (recorded fixtures in tests). */
  body: string | null = null;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly now: () => number,
  ) {}

  static async start(options: { port?: number; now?: () => number } = {}): Promise<FakeGoogleTrends> {
    let fake: FakeGoogleTrends | null = null;
    const server = createServer((req, res) => fake!.handle(req.url ?? '/', req.method ?? 'GET', res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    fake = new FakeGoogleTrends(server, `http://127.0.0.1:${port}/trending/rss`, options.now ?? Date.now);
    return fake;
  }

  private handle(rawUrl: string, method: string, res: import('node:http').ServerResponse): void {
    this.requests++;
    const url = new URL(rawUrl, 'http://127.0.0.1');
    if (url.pathname !== '/trending/rss') {
      res.statusCode = 404;
      res.end('Not Found');
      return;
    }
    if (method !== 'GET') {
      res.statusCode = 405;
      res.end();
      return;
    }
    if (this.faults.answer(res, 'text/html; charset=utf-8')) return;
    const geo = (url.searchParams.get('geo') ?? 'US').toUpperCase();
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    res.end(this.body ?? trendingRss(geo, this.now()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
