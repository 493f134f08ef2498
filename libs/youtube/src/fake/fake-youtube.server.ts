import { createHash, randomBytes, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { googleError } from '../google-error.js';
import { quotaDay } from '../youtube.types.js';

/** Where a fault fires: the token endpoint, a step of the upload protocol, or another API call. */
export type FakeStep = 'token' | 'start' | 'chunk' | 'status' | 'list' | 'batchGetStats' | 'thumbnail' | 'analytics';

/**
 * One injected failure, used once by the next matching request: an HTTP status (with Google's error
 * body), a quota reason, or `drop` (the connection is cut; on a chunk, after `afterBytes` of it).
 */
export type FakeFault =
  | { step: FakeStep; status: 500 | 502 | 503 | 504 | 401 | 404 | 410 | 400 | 403 }
  | { step: FakeStep; reason: 'quotaExceeded' | 'uploadLimitExceeded' }
  | { step: FakeStep; drop: true; afterBytes?: number };

export interface FakeYoutubeOptions {
  /** Accepted OAuth client; any client is accepted when unset. */
  clientId?: string;
  clientSecret?: string;
  /** Refresh tokens shaped `fake-refresh-<name>` open channel `UC<name>` on first use (npm start). */
  autoChannels?: boolean;
  accessTokenTtlS?: number;
  /** Per channel and quota day: `uploads` (the videos.insert bucket) and `general` units. */
  limits?: { uploads: number; general: number };
  /** YouTube's own per-channel daily upload limit, answered with `uploadLimitExceeded`. */
  channelDailyUploads?: number;
  /** Probability that a non-final chunk is only partly kept (a random multiple of 256 KiB). */
  partialAcceptance?: number;
  seed?: number;
  /** The clock of quota days, statistics growth and the Analytics lag (tests move it). */
  now?: () => number;
  /** Time from upload to `uploadStatus: processed`. */
  processingMs?: number;
  /** A pause before each chunk is answered (to catch an upload in the middle). */
  chunkDelayMs?: number;
  /** Channels and videos survive a restart in this JSON file (npm start); sessions do not. */
  stateFile?: string;
}

interface Channel {
  id: string;
  refreshToken: string;
  revoked: boolean;
  analytics: boolean;
}

interface Session {
  id: string;
  channelId: string;
  total: number;
  received: number;
  hash: Hash;
  metadata: Record<string, unknown>;
  gone: number | null;
  videoId: string | null;
}

export interface FakeVideo {
  id: string;
  channelId: string;
  title: string;
  description: string;
  tags: string[];
  defaultLanguage: string | null;
  privacyStatus: string;
  containsSyntheticMedia: boolean | null;
  bytes: number;
  sha256: string;
  uploadedAt: number;
  rejectionReason: string | null;
  thumbnailBytes: number | null;
  growth: number;
}

const GRANULE = 256 * 1024;
const DAY_MS = 86_400_000;

/**
 * A protocol-faithful stand-in for YouTube on 127.0.0.1: the OAuth token endpoint, resumable
 * uploads (sessions, 308 + Range, random partial acceptance, `bytes *\/TOTAL` status queries),
 * videos.list and videos:batchGetStats with statistics that grow with time, thumbnails.set, and an Analytics result table
 * whose days lag two days behind. Errors are Google's JSON error bodies; faults are injected per
 * step. It keeps hashes of what it received, never the bytes, so a 200 MB upload costs no memory.
 */
export class FakeYoutube {
  private server: Server | null = null;
  private readonly channels = new Map<string, Channel>();
  private readonly accessTokens = new Map<string, { channelId: string; expiresAt: number }>();
  private readonly sessions = new Map<string, Session>();
  readonly videos = new Map<string, FakeVideo>();
  private readonly usage = new Map<string, { uploads: number; general: number; channelUploads: number }>();
  private readonly faults: FakeFault[] = [];
  private readonly byteFaults: number[] = [];
  private readonly rejections: string[] = [];
  private readonly random: () => number;
  readonly calls: Record<FakeStep, number> = { token: 0, start: 0, chunk: 0, status: 0, list: 0, batchGetStats: 0, thumbnail: 0, analytics: 0 };
  /** Bytes received in chunk bodies, including those the server did not keep. */
  bytesReceived = 0;
  url = '';

  constructor(private readonly options: FakeYoutubeOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    if (options.stateFile && existsSync(options.stateFile)) {
      const state = JSON.parse(readFileSync(options.stateFile, 'utf8')) as { channels: Channel[]; videos: FakeVideo[] };
      for (const channel of state.channels) this.channels.set(channel.refreshToken, channel);
      for (const video of state.videos) this.videos.set(video.id, video);
    }
  }

  private save(): void {
    const path = this.options.stateFile;
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify({ channels: [...this.channels.values()], videos: [...this.videos.values()] }));
    renameSync(`${path}.tmp`, path);
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.json(res, 500, googleError(500, 'backendError', `fake: ${(error as Error).message}`));
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  /** A channel that accepts `refreshToken`; returns its channel id. */
  addChannel(name: string, refreshToken: string, options: { analytics?: boolean } = {}): string {
    const id = `UC${name}`;
    this.channels.set(refreshToken, { id, refreshToken, revoked: false, analytics: options.analytics ?? true });
    this.save();
    return id;
  }

  /** The owner revoked access: the refresh token now gets `invalid_grant`, its access tokens 401. */
  revoke(refreshToken: string): void {
    const channel = this.channels.get(refreshToken);
    if (!channel) return;
    channel.revoked = true;
    this.save();
    for (const [token, entry] of this.accessTokens) if (entry.channelId === channel.id) this.accessTokens.delete(token);
  }

  /** Every access token handed out so far now answers 401 (as after an hour). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  inject(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  /** The first chunk that crosses each byte offset is cut there (bytes before it kept, connection dropped). */
  failAtBytes(...offsets: number[]): void {
    this.byteFaults.push(...offsets);
    this.byteFaults.sort((a, b) => a - b);
  }

  /** The next finished upload is rejected with this `rejectionReason` (e.g. `duplicate`). */
  rejectNext(reason: string): void {
    this.rejections.push(reason);
  }

  /** Uses up a bucket of a channel for the current quota day. */
  exhaust(channelId: string, bucket: 'uploads' | 'general' | 'channelUploads'): void {
    const usage = this.usageOf(channelId);
    usage[bucket] = Number.MAX_SAFE_INTEGER / 2;
  }

  /** Upload sessions opened so far, with the bytes each holds. */
  sessionList(): { id: string; channelId: string; received: number; total: number; videoId: string | null }[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, channelId: s.channelId, received: s.received, total: s.total, videoId: s.videoId }));
  }

  videosOf(channelId: string): FakeVideo[] {
    return [...this.videos.values()].filter((v) => v.channelId === channelId);
  }

  pendingFaults(): number {
    return this.faults.length + this.byteFaults.length;
  }

  /** The statistics a video shows at `at`: they grow with the square root of its age. */
  statistics(video: FakeVideo, at = this.now()): { views: number; likes: number; comments: number } {
    const hours = Math.max(0, (at - video.uploadedAt) / 3_600_000);
    const views = Math.floor(video.growth * Math.sqrt(hours) * 10 + hours * video.growth * 0.2);
    return { views, likes: Math.floor(views / 25), comments: Math.floor(views / 120) };
  }

  // ---- routing ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/token') return this.token(req, res);
    if (req.method === 'POST' && path === '/upload/youtube/v3/videos' && url.searchParams.get('uploadType') === 'resumable' && !url.searchParams.get('upload_id')) {
      return this.startSession(req, res, url);
    }
    if (req.method === 'PUT' && path === '/upload/youtube/v3/videos' && url.searchParams.get('upload_id')) {
      return this.putSession(req, res, url.searchParams.get('upload_id')!);
    }
    if (req.method === 'GET' && path === '/youtube/v3/videos') return this.list(req, res, url);
    if (req.method === 'GET' && path === '/youtube/v3/videos:batchGetStats') return this.batchGetStats(req, res, url);
    if (req.method === 'POST' && path === '/upload/youtube/v3/thumbnails/set') return this.thumbnail(req, res, url);
    if (req.method === 'GET' && path === '/v2/reports') return this.analytics(req, res, url);
    await drain(req);
    this.json(res, 404, googleError(404, 'notFound', `fake YouTube has no ${req.method} ${path}`));
  }

  private takeFault(step: FakeStep): FakeFault | null {
    const index = this.faults.findIndex((f) => f.step === step);
    if (index < 0) return null;
    return this.faults.splice(index, 1)[0]!;
  }

  /** Answers an injected fault (true) or lets the request go on (false). */
  private async answerFault(step: FakeStep, req: IncomingMessage, res: ServerResponse, session?: Session): Promise<boolean> {
    const fault = this.takeFault(step);
    if (!fault) return false;
    if ('drop' in fault) {
      if (fault.afterBytes === undefined) {
        req.socket.destroy();
        return true;
      }
      return false; // handled by the chunk reader
    }
    await drain(req);
    if ('reason' in fault) {
      const status = fault.reason === 'uploadLimitExceeded' ? 400 : 403;
      const text = fault.reason === 'uploadLimitExceeded' ? 'The user has exceeded the number of videos they may upload.' : 'The request cannot be completed because you have exceeded your quota.';
      this.json(res, status, googleError(status, fault.reason, text, fault.reason === 'quotaExceeded' ? 'youtube.quota' : 'youtube.video'));
      return true;
    }
    if ((fault.status === 404 || fault.status === 410) && session) session.gone = fault.status;
    const reason = fault.status === 401 ? 'authError' : fault.status >= 500 ? 'backendError' : fault.status === 404 ? 'notFound' : 'invalid';
    this.json(res, fault.status, googleError(fault.status, reason, `fake: injected ${fault.status}`));
    return true;
  }

  // ---- OAuth ----

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls.token++;
    const body = new URLSearchParams((await readAll(req)).toString('utf8'));
    if (await this.answerFault('token', req, res)) return;
    if (body.get('grant_type') !== 'refresh_token') return this.json(res, 400, { error: 'unsupported_grant_type' });
    if (this.options.clientId && (body.get('client_id') !== this.options.clientId || body.get('client_secret') !== this.options.clientSecret)) {
      return this.json(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    const refresh = body.get('refresh_token') ?? '';
    let channel = this.channels.get(refresh);
    if (!channel && this.options.autoChannels && /^fake-refresh-[A-Za-z0-9_.-]{1,128}$/.test(refresh)) {
      this.addChannel(refresh.slice('fake-refresh-'.length), refresh);
      channel = this.channels.get(refresh);
    }
    if (!channel || channel.revoked) return this.json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const accessToken = `ya29.fake-${randomBytes(12).toString('hex')}`;
    const ttl = this.options.accessTokenTtlS ?? 3599;
    this.accessTokens.set(accessToken, { channelId: channel.id, expiresAt: Date.now() + ttl * 1000 });
    this.json(res, 200, { access_token: accessToken, expires_in: ttl, scope: 'https://www.googleapis.com/auth/youtube.upload', token_type: 'Bearer' });
  }

  private channelOf(req: IncomingMessage): string | null {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const entry = this.accessTokens.get(token);
    if (!entry || entry.expiresAt < Date.now()) return null;
    return entry.channelId;
  }

  private async unauthorized(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await drain(req);
    res.setHeader('www-authenticate', 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
    this.json(res, 401, googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token.'));
  }

  private usageOf(channelId: string) {
    const key = `${channelId}/${quotaDay(new Date(this.now()))}`;
    let usage = this.usage.get(key);
    if (!usage) {
      usage = { uploads: 0, general: 0, channelUploads: 0 };
      this.usage.set(key, usage);
    }
    return usage;
  }

  /** Charges units; answers `quotaExceeded` (403) and returns false when the bucket is empty. */
  private charge(res: ServerResponse, channelId: string, bucket: 'uploads' | 'general', units: number): boolean {
    const limits = this.options.limits ?? { uploads: 100, general: 10_000 };
    const usage = this.usageOf(channelId);
    if (usage[bucket] + units > limits[bucket]) {
      this.json(res, 403, googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your quota.', 'youtube.quota'));
      return false;
    }
    usage[bucket] += units;
    return true;
  }

  // ---- resumable upload ----

  private async startSession(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.start++;
    if (await this.answerFault('start', req, res)) return;
    const channelId = this.channelOf(req);
    if (!channelId) return this.unauthorized(req, res);
    const raw = (await readAll(req)).toString('utf8');
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.json(res, 400, googleError(400, 'parseError', 'Parse Error'));
    }
    const total = Number(req.headers['x-upload-content-length']);
    if (!Number.isSafeInteger(total) || total <= 0) return this.json(res, 400, googleError(400, 'invalid', 'X-Upload-Content-Length must be a positive byte count'));
    if (!String(req.headers['x-upload-content-type'] ?? '').startsWith('video/')) {
      return this.json(res, 400, googleError(400, 'invalid', 'X-Upload-Content-Type must be a video type'));
    }
    const snippet = metadata.snippet as { title?: unknown } | undefined;
    if (!url.searchParams.get('part')?.includes('snippet') || typeof snippet?.title !== 'string' || snippet.title.trim() === '') {
      return this.json(res, 400, googleError(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.'));
    }
    if (snippet.title.length > 100) return this.json(res, 400, googleError(400, 'invalidTitle', 'The video title is longer than 100 characters.'));
    const usage = this.usageOf(channelId);
    if (usage.channelUploads >= (this.options.channelDailyUploads ?? Number.MAX_SAFE_INTEGER)) {
      return this.json(res, 400, googleError(400, 'uploadLimitExceeded', 'The user has exceeded the number of videos they may upload.', 'youtube.video'));
    }
    if (!this.charge(res, channelId, 'uploads', 1)) return;
    usage.channelUploads++;
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { id, channelId, total, received: 0, hash: createHash('sha256'), metadata, gone: null, videoId: null });
    res.setHeader('location', `${this.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`);
    res.setHeader('x-guploader-uploadid', id);
    this.json(res, 200, {});
  }

  private async putSession(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const socket = req.socket;
    const session = this.sessions.get(id);
    const range = String(req.headers['content-range'] ?? '');
    const statusQuery = /^bytes \*\/(\d+)$/.exec(range);
    const step: FakeStep = statusQuery ? 'status' : 'chunk';
    this.calls[step]++;
    if (!session) {
      await drain(req);
      return this.json(res, 404, googleError(404, 'notFound', 'The upload session does not exist.'));
    }
    const fault = this.faults.find((f) => f.step === step);
    if (!(fault && 'drop' in fault && fault.afterBytes !== undefined) && (await this.answerFault(step, req, res, session))) return;
    if (session.gone) {
      await drain(req);
      return this.json(res, session.gone, googleError(session.gone, 'notFound', 'The upload session has expired.'));
    }
    // The session URI is a capability, but YouTube still checks the token when one is sent.
    if (req.headers.authorization && !this.channelOf(req)) return this.unauthorized(req, res);
    if (session.videoId) {
      await drain(req);
      return this.json(res, 200, this.resource(this.videos.get(session.videoId)!, ['snippet', 'status']));
    }
    if (statusQuery) {
      await drain(req);
      return this.incomplete(res, session);
    }
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
    if (!match) {
      await drain(req);
      return this.json(res, 400, googleError(400, 'invalid', `unreadable Content-Range "${range.slice(0, 60)}"`));
    }
    const start = Number(match[1]);
    const end = Number(match[2]);
    const total = Number(match[3]);
    const length = end - start + 1;
    if (total !== session.total || end >= total || length <= 0) {
      await drain(req);
      return this.json(res, 400, googleError(400, 'invalid', `Content-Range ${range} does not fit the session's ${session.total} bytes`));
    }
    if (end + 1 < total && length % GRANULE !== 0) {
      await drain(req);
      return this.json(res, 400, googleError(400, 'invalid', 'A chunk other than the last must be a multiple of 256 KiB'));
    }
    if (start > session.received) {
      await drain(req);
      return this.incomplete(res, session);
    }
    // How much of this chunk the server keeps: all, a random part, or up to a cut point.
    let keepUntil = end + 1;
    const cut = this.byteFaults.find((p) => p >= start && p < end + 1);
    let drop: number | null = null;
    if (cut !== undefined) {
      this.byteFaults.splice(this.byteFaults.indexOf(cut), 1);
      drop = cut;
      keepUntil = Math.max(session.received, Math.floor(cut / GRANULE) * GRANULE);
    } else if (fault && 'drop' in fault && fault.afterBytes !== undefined) {
      this.faults.splice(this.faults.indexOf(fault), 1);
      drop = Math.min(end + 1, start + fault.afterBytes);
      keepUntil = Math.max(session.received, Math.floor(drop / GRANULE) * GRANULE);
    } else if (end + 1 < total && this.random() < (this.options.partialAcceptance ?? 0)) {
      const granules = length / GRANULE;
      keepUntil = start + Math.floor(this.random() * granules) * GRANULE;
    }
    if (this.options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.chunkDelayMs));
    await this.consume(req, session, start, keepUntil, drop);
    if (drop !== null) {
      socket.destroy();
      return;
    }
    if (session.received < total) return this.incomplete(res, session);
    this.finish(res, session);
  }

  /** Reads the body, hashing bytes [session.received, keepUntil) in order; stops at `drop` if set. */
  private async consume(req: IncomingMessage, session: Session, start: number, keepUntil: number, drop: number | null): Promise<void> {
    let position = start;
    for await (const piece of req as AsyncIterable<Buffer>) {
      let chunk = piece;
      if (drop !== null && position + chunk.length > drop) chunk = chunk.subarray(0, Math.max(0, drop - position));
      this.bytesReceived += chunk.length;
      const from = Math.max(position, session.received);
      const to = Math.min(position + chunk.length, keepUntil);
      if (to > from) {
        session.hash.update(chunk.subarray(from - position, to - position));
        session.received = to;
      }
      position += chunk.length;
      if (drop !== null && position >= drop) return;
    }
  }

  private incomplete(res: ServerResponse, session: Session): void {
    if (session.received > 0) res.setHeader('range', `bytes=0-${session.received - 1}`);
    res.setHeader('content-length', '0');
    res.writeHead(308);
    res.end();
  }

  private finish(res: ServerResponse, session: Session): void {
    const metadata = session.metadata as { snippet?: Record<string, unknown>; status?: Record<string, unknown> };
    const snippet = metadata.snippet ?? {};
    const status = metadata.status ?? {};
    const id = this.newVideoId();
    const rejection = this.rejections.shift() ?? null;
    const video: FakeVideo = {
      id,
      channelId: session.channelId,
      title: String(snippet.title ?? ''),
      description: String(snippet.description ?? ''),
      tags: Array.isArray(snippet.tags) ? snippet.tags.map(String) : [],
      defaultLanguage: typeof snippet.defaultLanguage === 'string' ? snippet.defaultLanguage : null,
      // Since 2026-11-02 an upload without privacyStatus goes public: the fake does the same.
      privacyStatus: typeof status.privacyStatus === 'string' ? status.privacyStatus : 'public',
      containsSyntheticMedia: typeof status.containsSyntheticMedia === 'boolean' ? status.containsSyntheticMedia : null,
      bytes: session.total,
      sha256: session.hash.digest('hex'),
      uploadedAt: this.now(),
      rejectionReason: rejection,
      thumbnailBytes: null,
      growth: 5 + (parseInt(createHash('sha1').update(id).digest('hex').slice(0, 6), 16) % 200),
    };
    this.videos.set(id, video);
    session.videoId = id;
    this.save();
    this.json(res, 200, this.resource(video, ['snippet', 'status']));
  }

  private newVideoId(): string {
    for (;;) {
      const id = randomBytes(8).toString('base64url').slice(0, 11);
      if (!this.videos.has(id)) return id;
    }
  }

  private resource(video: FakeVideo, parts: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: 'youtube#video', etag: createHash('md5').update(video.id).digest('base64url'), id: video.id };
    if (parts.includes('snippet')) {
      out.snippet = {
        publishedAt: new Date(video.uploadedAt).toISOString(),
        channelId: video.channelId,
        title: video.title,
        description: video.description,
        tags: video.tags,
        defaultLanguage: video.defaultLanguage ?? undefined,
      };
    }
    if (parts.includes('status')) {
      const processed = this.now() - video.uploadedAt >= (this.options.processingMs ?? 0);
      out.status = {
        uploadStatus: video.rejectionReason ? 'rejected' : processed ? 'processed' : 'uploaded',
        ...(video.rejectionReason ? { rejectionReason: video.rejectionReason } : {}),
        privacyStatus: video.privacyStatus,
        license: 'youtube',
        embeddable: true,
        publicStatsViewable: true,
        ...(video.containsSyntheticMedia === null ? {} : { containsSyntheticMedia: video.containsSyntheticMedia }),
      };
    }
    if (parts.includes('statistics')) {
      const stats = this.statistics(video);
      out.statistics = { viewCount: String(stats.views), likeCount: String(stats.likes), favoriteCount: '0', commentCount: String(stats.comments) };
    }
    return out;
  }

  // ---- other API calls ----

  private async list(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.list++;
    if (await this.answerFault('list', req, res)) return;
    const channelId = this.channelOf(req);
    if (!channelId) return this.unauthorized(req, res);
    await drain(req);
    const ids = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
    const parts = (url.searchParams.get('part') ?? '').split(',').filter(Boolean);
    if (parts.length === 0) return this.json(res, 400, googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: id, chart, myRated'));
    if (ids.length > 50) return this.json(res, 400, googleError(400, 'invalidFilters', 'The request specifies more than 50 video ids.'));
    if (!this.charge(res, channelId, 'general', 1)) return;
    const items = ids
      .map((id) => this.videos.get(id))
      .filter((v): v is FakeVideo => v !== undefined && (v.channelId === channelId || v.privacyStatus !== 'private'))
      .map((v) => this.resource(v, parts));
    this.json(res, 200, { kind: 'youtube#videoListResponse', items, pageInfo: { totalResults: items.length, resultsPerPage: items.length } });
  }

  /**
   * `videos:batchGetStats`: `youtube#videoStats` items (id, snippet.publishTime, statistics,
   * contentDetails) for up to 50 ids, 1 unit. Not atomic: unknown ids, and private videos of
   * another channel, are left out and the rest answered. The fake does not decode the video, so
   * `contentDetails` carries no duration it could know: it is left out even when asked for.
   */
  private async batchGetStats(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.batchGetStats++;
    if (await this.answerFault('batchGetStats', req, res)) return;
    const channelId = this.channelOf(req);
    if (!channelId) return this.unauthorized(req, res);
    await drain(req);
    const ids = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
    const parts = (url.searchParams.get('part') ?? '').split(',').filter(Boolean);
    if (parts.length === 0) return this.json(res, 400, googleError(400, 'required', 'Required parameter: part'));
    const unknown = parts.find((p) => !['id', 'snippet', 'statistics', 'contentDetails'].includes(p));
    if (unknown) return this.json(res, 400, googleError(400, 'unknownPart', `'${unknown}' is not a valid videoStat part`));
    if (ids.length === 0) return this.json(res, 400, googleError(400, 'required', 'Required parameter: id'));
    if (ids.length > 50) return this.json(res, 400, googleError(400, 'invalidFilters', 'The request specifies more than 50 video ids.'));
    if (!this.charge(res, channelId, 'general', 1)) return;
    const items = ids
      .map((id) => this.videos.get(id))
      .filter((v): v is FakeVideo => v !== undefined && (v.channelId === channelId || v.privacyStatus !== 'private'))
      .map((video) => {
        const item: Record<string, unknown> = { kind: 'youtube#videoStats', etag: createHash('md5').update(`stats:${video.id}`).digest('base64url'), id: video.id };
        if (parts.includes('snippet')) item.snippet = { publishTime: new Date(video.uploadedAt).toISOString() };
        if (parts.includes('statistics')) {
          const stats = this.statistics(video);
          item.statistics = { viewCount: String(stats.views), likeCount: String(stats.likes), commentCount: String(stats.comments) };
        }
        return item;
      });
    const etag = createHash('md5').update(`batch:${items.map((i) => JSON.stringify(i)).join()}`).digest('base64url');
    this.json(res, 200, { kind: 'youtube#batchGetStatsResponse', etag, items });
  }

  private async thumbnail(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.thumbnail++;
    if (await this.answerFault('thumbnail', req, res)) return;
    const channelId = this.channelOf(req);
    if (!channelId) return this.unauthorized(req, res);
    const body = await readAll(req);
    const video = this.videos.get(url.searchParams.get('videoId') ?? '');
    if (!video) return this.json(res, 404, googleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.'));
    if (video.channelId !== channelId) return this.json(res, 403, googleError(403, 'forbidden', 'The thumbnail cannot be set for this video.'));
    if (body.length === 0 || body.length > 2 * 1024 * 1024) return this.json(res, 400, googleError(400, 'mediaBodyRequired', 'The thumbnail image is missing or larger than 2 MB.'));
    if (!this.charge(res, channelId, 'general', 50)) return;
    video.thumbnailBytes = body.length;
    this.save();
    this.json(res, 200, { kind: 'youtube#thumbnailSetResponse', items: [{ default: { url: `${this.url}/vi/${video.id}/default.jpg`, width: 120, height: 90 } }] });
  }

  /** One row per day up to two days ago (YouTube Analytics lags), views per day of the filtered video. */
  private async analytics(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.analytics++;
    if (await this.answerFault('analytics', req, res)) return;
    const channelId = this.channelOf(req);
    if (!channelId) return this.unauthorized(req, res);
    await drain(req);
    const channel = [...this.channels.values()].find((c) => c.id === channelId);
    if (!channel?.analytics) return this.json(res, 403, googleError(403, 'forbidden', 'Forbidden: the token lacks the yt-analytics.readonly scope', 'global'));
    const q = url.searchParams;
    const dateRe = /^\d{4}-\d{2}-\d{2}$/;
    if (q.get('ids') !== 'channel==MINE' || !dateRe.test(q.get('startDate') ?? '') || !dateRe.test(q.get('endDate') ?? '') || q.get('metrics') !== 'views' || q.get('dimensions') !== 'day') {
      return this.json(res, 400, googleError(400, 'badRequest', 'The fake serves ids=channel==MINE, metrics=views, dimensions=day, filters=video==ID'));
    }
    const filter = /^video==([A-Za-z0-9_-]{1,64})$/.exec(q.get('filters') ?? '');
    const video = filter ? this.videos.get(filter[1]!) : undefined;
    const rows: [string, number][] = [];
    if (video && video.channelId === channelId) {
      const lastDay = Date.parse(`${new Date(this.now() - 2 * DAY_MS).toISOString().slice(0, 10)}T00:00:00Z`);
      const from = Math.max(Date.parse(`${q.get('startDate')}T00:00:00Z`), Date.parse(`${new Date(video.uploadedAt).toISOString().slice(0, 10)}T00:00:00Z`));
      const to = Math.min(Date.parse(`${q.get('endDate')}T00:00:00Z`), lastDay);
      for (let day = from; day <= to; day += DAY_MS) {
        const views = this.statistics(video, Math.min(day + DAY_MS, this.now())).views - this.statistics(video, Math.max(day, video.uploadedAt)).views;
        rows.push([new Date(day).toISOString().slice(0, 10), Math.max(0, views)]);
      }
    }
    this.json(res, 200, {
      kind: 'youtubeAnalytics#resultTable',
      columnHeaders: [
        { name: 'day', columnType: 'DIMENSION', dataType: 'STRING' },
        { name: 'views', columnType: 'METRIC', dataType: 'INTEGER' },
      ],
      rows,
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of req as AsyncIterable<Buffer>) parts.push(piece);
  return Buffer.concat(parts);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req as AsyncIterable<Buffer>) {
    // discard
  }
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts the fake on a fixed port for `npm start` unless another app of this machine already did
 * (the publisher and the metrics stage both need it; the first one up serves it). Returns the
 * instance this process started, or null when the port was taken.
 */
export async function ensureFakeYoutube(port: number, stateFile: string): Promise<FakeYoutube | null> {
  const fake = new FakeYoutube({ autoChannels: true, stateFile, partialAcceptance: 0.2, processingMs: 60_000, seed: Date.now() % 100_000 });
  try {
    await fake.start(port);
    return fake;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return null;
    throw error;
  }
}
