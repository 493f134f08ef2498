import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './fake-faults.js';

/** The credentials the fake accepts when run by `npm start` (it is a stand-in: nothing secret). */
export const FAKE_NAVER_CREDENTIALS = { clientId: 'fake-client-id', clientSecret: 'fake-client-secret' };

interface Group {
  groupName: string;
  keywords: string[];
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json;charset=utf-8');
  res.end(JSON.stringify({ errorMessage: message, errorCode: code }));
}

function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`) && out.length < 400; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** A deterministic daily search volume of a keyword group. */
function volume(group: Group, day: string): number {
  const h = createHash('sha256').update(`${group.keywords.join(',')}|${day}`).digest();
  return 10 + (h[0]! / 255) * 90 + (group.groupName.length % 5) * 5;
}

/**
 * A local stand-in for Naver DataLab search trends (`POST /v1/datalab/search`): the same headers,
 * body rules (1-5 keyword groups, up to 20 keywords each, yyyy-mm-dd dates), answer shape (ratios
 * scaled so the request's highest point is 100) and error bodies (`errorMessage`, `errorCode`);
 * a daily quota answered with 429 once spent; faults can be queued.
 */
export class FakeNaverDataLab {
  readonly faults = new Faults();
  requests = 0;
  quota = 1000;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly credentials: { clientId: string; clientSecret: string },
  ) {}

  static async start(options: { port?: number; credentials?: { clientId: string; clientSecret: string } } = {}): Promise<FakeNaverDataLab> {
    let fake: FakeNaverDataLab | null = null;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    fake = new FakeNaverDataLab(server, `http://127.0.0.1:${port}/v1/datalab/search`, options.credentials ?? FAKE_NAVER_CREDENTIALS);
    return fake;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== '/v1/datalab/search') return error(res, 404, '404', 'Not Found');
    if (req.method !== 'POST') return error(res, 405, '405', 'Method Not Allowed');
    if (req.headers['x-naver-client-id'] !== this.credentials.clientId || req.headers['x-naver-client-secret'] !== this.credentials.clientSecret) {
      return error(res, 401, '024', 'Authentication failed. (인증에 실패했습니다.)');
    }
    if (this.faults.answer(res, 'application/json;charset=utf-8')) return;
    if (this.quota <= 0) return error(res, 429, '010', 'Rate limit exceeded. (호출 한도를 초과했습니다.)');
    this.quota--;
    let body: { startDate?: unknown; endDate?: unknown; timeUnit?: unknown; keywordGroups?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return error(res, 400, '400', 'Invalid JSON body');
    }
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (typeof body.startDate !== 'string' || typeof body.endDate !== 'string' || !date.test(body.startDate) || !date.test(body.endDate) || body.startDate > body.endDate) {
      return error(res, 400, '400', 'Invalid startDate/endDate');
    }
    if (!['date', 'week', 'month'].includes(String(body.timeUnit))) return error(res, 400, '400', 'Invalid timeUnit');
    const groups = body.keywordGroups as Group[] | undefined;
    if (!Array.isArray(groups) || groups.length < 1 || groups.length > 5) return error(res, 400, '400', 'keywordGroups: 1 to 5 groups');
    for (const g of groups) {
      if (typeof g?.groupName !== 'string' || !Array.isArray(g.keywords) || g.keywords.length < 1 || g.keywords.length > 20) {
        return error(res, 400, '400', 'keywordGroups: groupName and 1 to 20 keywords each');
      }
    }
    const period = days(body.startDate, body.endDate);
    const raw = groups.map((g) => period.map((day) => volume(g, day)));
    const max = Math.max(...raw.flat());
    res.setHeader('content-type', 'application/json;charset=utf-8');
    res.end(
      JSON.stringify({
        startDate: body.startDate,
        endDate: body.endDate,
        timeUnit: body.timeUnit,
        results: groups.map((g, i) => ({
          title: g.groupName,
          keywords: g.keywords,
          data: period.map((p, j) => ({ period: p, ratio: Math.round((raw[i]![j]! / max) * 100 * 100000) / 100000 })),
        })),
      }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
