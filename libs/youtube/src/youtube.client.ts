import { classifyApiError } from './google-error.js';
import { httpCall, redactUrl, type HttpAnswer, type HttpRequest } from './http.js';
import type { OAuthTokenSource } from './oauth.client.js';
import { BatchGetStatsAnswer, ResultTable, VideoListAnswer, VideoResource, type VideoMetadata, type VideoStat } from './youtube.types.js';
import { YoutubeProtocolError } from './youtube.errors.js';

export interface YoutubeEndpoints {
  /** `https://www.googleapis.com` (Data API: `/youtube/v3/...`, uploads: `/upload/youtube/v3/...`). */
  apiBase: string;
  /** `https://youtubeanalytics.googleapis.com` (`/v2/reports`). */
  analyticsBase: string;
}

export const GOOGLE_ENDPOINTS: YoutubeEndpoints & { tokenUrl: string } = {
  apiBase: 'https://www.googleapis.com',
  analyticsBase: 'https://youtubeanalytics.googleapis.com',
  tokenUrl: 'https://oauth2.googleapis.com/token',
};

/** Where a resumable session stands: what the server holds, or the finished video. */
export type SessionState = { done: false; received: number } | { done: true; video: VideoResource };

/**
 * The YouTube Data API v3 and Analytics v2 calls of one channel. Every call carries the channel's
 * access token; a `401` refreshes it once and repeats the call. Errors come back classified
 * (`youtube.errors.ts`); retrying is the caller's policy, written next to its operation.
 */
export class YoutubeClient {
  constructor(
    readonly tokens: OAuthTokenSource,
    private readonly endpoints: YoutubeEndpoints,
    private readonly options: { timeoutMs?: number; chunkTimeoutMs?: number } = {},
  ) {}

  get channel(): string {
    return this.tokens.channel;
  }

  /** Opens a resumable upload session (`uploadType=resumable`); the answer's `Location` is its URI. */
  async startUpload(metadata: VideoMetadata, bytes: number, contentType: string): Promise<string> {
    const url = `${this.endpoints.apiBase}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`;
    const answer = await this.authorized('videos.insert (start)', {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-length': String(bytes),
        'x-upload-content-type': contentType,
      },
      body: JSON.stringify(metadata),
      timeoutMs: this.timeout(),
    });
    if (answer.status !== 200 && answer.status !== 201) throw classifyApiError('videos.insert (start)', answer.status, answer.body);
    const location = answer.headers.get('location');
    if (!location || !/^https?:\/\//.test(location)) throw new YoutubeProtocolError('videos.insert (start): 200 without a session Location header');
    return location;
  }

  /** Sends `data` as bytes `start..start+len-1` of `total`. */
  async putChunk(sessionUri: string, data: Uint8Array, start: number, total: number): Promise<SessionState> {
    const end = start + data.byteLength - 1;
    const answer = await this.authorized('upload chunk', {
      method: 'PUT',
      url: sessionUri,
      headers: { 'content-range': `bytes ${start}-${end}/${total}`, 'content-type': 'application/octet-stream' },
      body: data,
      timeoutMs: this.options.chunkTimeoutMs ?? 300_000,
    });
    return this.sessionState('upload chunk', answer, sessionUri);
  }

  /** Asks a session what it holds (`Content-Range: bytes *\/TOTAL`, empty body). */
  async querySession(sessionUri: string, total: number): Promise<SessionState> {
    const answer = await this.authorized('upload status', {
      method: 'PUT',
      url: sessionUri,
      headers: { 'content-range': `bytes */${total}`, 'content-length': '0' },
      timeoutMs: this.timeout(),
    });
    return this.sessionState('upload status', answer, sessionUri);
  }

  /** `videos.list` for up to 50 ids (1 unit). Ids YouTube does not know are simply absent. */
  async listVideos(ids: string[], parts: string[]): Promise<VideoResource[]> {
    if (ids.length === 0) return [];
    if (ids.length > 50) throw new RangeError(`videos.list takes at most 50 ids, not ${ids.length}`);
    const query = new URLSearchParams({ part: parts.join(','), id: ids.join(','), maxResults: '50' });
    const answer = await this.authorized('videos.list', { method: 'GET', url: `${this.endpoints.apiBase}/youtube/v3/videos?${query}`, timeoutMs: this.timeout() });
    if (answer.status !== 200) throw classifyApiError('videos.list', answer.status, answer.body);
    const parsed = VideoListAnswer.safeParse(answer.body);
    if (!parsed.success) throw new YoutubeProtocolError(`videos.list: unexpected answer (${parsed.error.issues[0]?.message ?? 'shape'})`);
    return parsed.data.items;
  }

  /**
   * `videos:batchGetStats` for up to 50 ids (1 unit): the counters only. Not atomic: ids YouTube
   * does not know (or may not show) are absent from the answer, the others are there.
   */
  async batchGetStats(ids: string[], parts: Array<'id' | 'snippet' | 'statistics' | 'contentDetails'> = ['statistics']): Promise<VideoStat[]> {
    if (ids.length === 0) return [];
    if (ids.length > 50) throw new RangeError(`videos:batchGetStats takes at most 50 ids, not ${ids.length}`);
    const query = new URLSearchParams({ part: parts.join(','), id: ids.join(',') });
    const answer = await this.authorized('videos.batchGetStats', { method: 'GET', url: `${this.endpoints.apiBase}/youtube/v3/videos:batchGetStats?${query}`, timeoutMs: this.timeout() });
    if (answer.status !== 200) throw classifyApiError('videos.batchGetStats', answer.status, answer.body);
    const parsed = BatchGetStatsAnswer.safeParse(answer.body);
    if (!parsed.success) throw new YoutubeProtocolError(`videos.batchGetStats: unexpected answer (${parsed.error.issues[0]?.message ?? 'shape'})`);
    return parsed.data.items;
  }

  /** `thumbnails.set` (50 units). */
  async setThumbnail(videoId: string, image: Uint8Array, contentType: string): Promise<void> {
    const url = `${this.endpoints.apiBase}/upload/youtube/v3/thumbnails/set?videoId=${encodeURIComponent(videoId)}&uploadType=media`;
    const answer = await this.authorized('thumbnails.set', { method: 'POST', url, headers: { 'content-type': contentType }, body: image, timeoutMs: this.timeout() });
    if (answer.status !== 200) throw classifyApiError('thumbnails.set', answer.status, answer.body);
  }

  /** Analytics `reports.query` for this channel (`ids=channel==MINE`). */
  async analyticsQuery(params: { startDate: string; endDate: string; metrics: string; dimensions: string; filters?: string }): Promise<ResultTable> {
    const query = new URLSearchParams({ ids: 'channel==MINE', ...params });
    const answer = await this.authorized('reports.query', { method: 'GET', url: `${this.endpoints.analyticsBase}/v2/reports?${query}`, timeoutMs: this.timeout() });
    if (answer.status !== 200) throw classifyApiError('reports.query', answer.status, answer.body);
    const parsed = ResultTable.safeParse(answer.body);
    if (!parsed.success) throw new YoutubeProtocolError('reports.query: the answer is not a result table');
    return parsed.data;
  }

  private timeout(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  /** One call with the current token; on 401 the token is refreshed and the call made once more. */
  private async authorized(what: string, request: HttpRequest): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.accessToken();
      const answer = await httpCall({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
      if (answer.status !== 401 || attempt >= 2) {
        if (answer.status === 401) throw classifyApiError(what, answer.status, answer.body);
        return answer;
      }
      this.tokens.invalidate();
    }
  }

  private sessionState(what: string, answer: HttpAnswer, sessionUri: string): SessionState {
    if (answer.status === 200 || answer.status === 201) {
      const video = VideoResource.safeParse(answer.body);
      if (!video.success) throw new YoutubeProtocolError(`${what}: the finished upload did not return a video resource`);
      return { done: true, video: video.data };
    }
    if (answer.status === 308) return { done: false, received: receivedFromRange(answer.headers.get('range'), sessionUri) };
    throw classifyApiError(what, answer.status, answer.body);
  }
}

/** `Range: bytes=0-N` means N+1 bytes are stored; no header means none. */
export function receivedFromRange(range: string | null, sessionUri = ''): number {
  if (range === null || range === '') return 0;
  const match = /^bytes=0-(\d+)$/.exec(range.trim());
  if (!match) throw new YoutubeProtocolError(`308 with an unreadable Range "${range.slice(0, 40)}" (${redactUrl(sessionUri)})`);
  return Number(match[1]) + 1;
}
