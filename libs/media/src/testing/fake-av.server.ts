import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ffmpeg } from '../process.js';

/**
 * A protocol-faithful stand-in for an AV model pod, on real HTTP (127.0.0.1): the asynchronous
 * job API shaped like OpenAI's Videos API (`POST /v1/videos`, `GET /v1/videos/{id}`,
 * `GET /v1/videos/{id}/content`, `DELETE /v1/videos/{id}`) with our pods' `has_audio` and `fps`,
 * and an OpenAI-compatible `POST /v1/audio/speech` for video-only models. Jobs progress with time,
 * persist to `stateFile` (a restarted server keeps them), and the faults are injectable: 429 with
 * Retry-After, a job that fails with an error code, content that expires, empty speech.
 * Content is a real MP4 (ffmpeg test pattern, with a tone when `has_audio`).
 */
export interface FakeAvServerOptions {
  /** Jobs are kept here as JSON, so a restart (a new server on the same file) keeps them. */
  stateFile: string;
  port?: number;
  /** A job is `queued` for this long, then `in_progress` until `jobMs`. */
  queuedMs?: number;
  jobMs?: number;
  hasAudio?: boolean;
  fps?: number;
  /** Downloadable for this long after completion (`expires_at`). */
  contentTtlMs?: number;
  /** Required as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  /** Content is rendered at most this wide (tests stay fast); the height keeps the requested ratio. */
  maxContentWidth?: number;
}

interface Job {
  id: string;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  createdMs: number;
  hasAudio: boolean;
  fps: number;
  hadReference: boolean;
  idempotencyKey: string | null;
  fail: { code: string; message: string } | null;
  deleted: boolean;
  expiredEarly: boolean;
}

interface State {
  jobs: Job[];
}

export interface FakeCall {
  method: string;
  path: string;
  status: number;
}

export class FakeAvServer {
  readonly calls: FakeCall[] = [];
  private readonly jobs = new Map<string, Job>();
  private rateLimited = 0;
  private rateLimitRetryAfterS = 0;
  private failNextJob: { code: string; message: string } | null = null;
  private emptySpeech = 0;
  private server!: Server;
  url = '';

  private constructor(private readonly options: FakeAvServerOptions) {
    if (existsSync(options.stateFile)) {
      const state = JSON.parse(readFileSync(options.stateFile, 'utf8')) as State;
      for (const job of state.jobs) this.jobs.set(job.id, job);
    }
  }

  static async start(options: FakeAvServerOptions): Promise<FakeAvServer> {
    const fake = new FakeAvServer(options);
    await mkdir(dirname(options.stateFile), { recursive: true });
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => fake.send(req, res, 500, { error: { message: String(error), type: 'server_error', code: 'internal_error' } }));
    });
    await new Promise<void>((resolve) => fake.server.listen(options.port ?? 0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Jobs created so far (each costs GPU time on a real pod). */
  get created(): number {
    return this.jobs.size;
  }

  /** The next `count` requests get 429 with `Retry-After: retryAfterS`. */
  rateLimitNext(count: number, retryAfterS = 0): void {
    this.rateLimited = count;
    this.rateLimitRetryAfterS = retryAfterS;
  }

  /** The next job created ends `failed` with this error. */
  failNext(code: string, message: string): void {
    this.failNextJob = { code, message };
  }

  /** The content of this job (or of every job) is gone from now on. */
  async expire(id?: string): Promise<void> {
    for (const job of this.jobs.values()) if (!id || job.id === id) job.expiredEarly = true;
    await this.save();
  }

  /** The next `count` speech requests answer 200 with an empty body. */
  emptySpeechNext(count = 1): void {
    this.emptySpeech = count;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.send(req, res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (this.rateLimited > 0) {
      this.rateLimited--;
      res.setHeader('retry-after', String(this.rateLimitRetryAfterS));
      return this.send(req, res, 429, { error: { message: 'Rate limit reached, please retry later', type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    }
    if (req.method === 'POST' && path === '/v1/videos') return this.create(req, res);
    if (req.method === 'POST' && path === '/v1/audio/speech') return this.speech(req, res);
    const match = /^\/v1\/videos\/([A-Za-z0-9_-]+)(\/content)?$/.exec(path);
    if (!match) return this.send(req, res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error', code: 'not_found' } });
    const job = this.jobs.get(match[1]!);
    if (!job || job.deleted) return this.send(req, res, 404, { error: { message: `Video ${match[1]} not found`, type: 'invalid_request_error', code: 'video_not_found' } });
    if (req.method === 'GET' && !match[2]) return this.send(req, res, 200, this.view(job));
    if (req.method === 'GET' && match[2]) return this.content(req, res, job);
    if (req.method === 'DELETE' && !match[2]) {
      job.deleted = true;
      await this.save();
      return this.send(req, res, 200, { id: job.id, object: 'video.deleted', deleted: true });
    }
    return this.send(req, res, 405, { error: { message: 'Method not allowed', type: 'invalid_request_error', code: 'method_not_allowed' } });
  }

  private async create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const invalid = (message: string, param: string) =>
      this.send(req, res, 400, { error: { message, type: 'invalid_request_error', param, code: 'invalid_value' } });
    if (!body || typeof body !== 'object') return invalid('Body must be a JSON object', 'body');
    const { model, prompt, seconds, size, input_reference: reference } = body as Record<string, unknown>;
    if (typeof prompt !== 'string' || !prompt.trim()) return invalid('prompt is required', 'prompt');
    if (typeof model !== 'string' || !model) return invalid('model is required', 'model');
    if (!/^\d+$/.test(String(seconds ?? '4')) || Number(seconds ?? 4) < 1 || Number(seconds ?? 4) > 60) return invalid('seconds must be 1..60', 'seconds');
    if (!/^\d{2,4}x\d{2,4}$/.test(String(size ?? '720x1280'))) return invalid('size must be WIDTHxHEIGHT', 'size');
    if (reference !== undefined) {
      const url = (reference as { image_url?: unknown })?.image_url;
      if (typeof url !== 'string' || !/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/.test(url)) return invalid('input_reference.image_url must be an image data URL', 'input_reference');
    }
    const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const earlier = idempotencyKey ? [...this.jobs.values()].find((j) => j.idempotencyKey === idempotencyKey) : undefined;
    if (earlier) return this.send(req, res, 200, this.view(earlier));
    const job: Job = {
      id: `video_${randomBytes(12).toString('hex')}`,
      model,
      prompt,
      seconds: String(seconds ?? '4'),
      size: String(size ?? '720x1280'),
      createdMs: Date.now(),
      hasAudio: this.options.hasAudio ?? true,
      fps: this.options.fps ?? 24,
      hadReference: reference !== undefined,
      idempotencyKey,
      fail: this.failNextJob,
      deleted: false,
      expiredEarly: false,
    };
    this.failNextJob = null;
    this.jobs.set(job.id, job);
    await this.save();
    return this.send(req, res, 200, this.view(job));
  }

  private timing(job: Job): { status: 'queued' | 'in_progress' | 'completed' | 'failed'; progress: number; completedMs: number } {
    const queuedMs = this.options.queuedMs ?? 50;
    const jobMs = Math.max(queuedMs + 1, this.options.jobMs ?? 300);
    const elapsed = Date.now() - job.createdMs;
    const completedMs = job.createdMs + jobMs;
    if (elapsed < queuedMs) return { status: 'queued', progress: 0, completedMs };
    if (elapsed < jobMs) return { status: 'in_progress', progress: Math.floor((100 * (elapsed - queuedMs)) / (jobMs - queuedMs)), completedMs };
    return { status: job.fail ? 'failed' : 'completed', progress: job.fail ? Math.floor(50) : 100, completedMs };
  }

  private expiresMs(job: Job): number {
    return this.timing(job).completedMs + (this.options.contentTtlMs ?? 3_600_000);
  }

  private view(job: Job): Record<string, unknown> {
    const { status, progress, completedMs } = this.timing(job);
    const done = status === 'completed' || status === 'failed';
    return {
      id: job.id,
      object: 'video',
      model: job.model,
      status,
      progress,
      created_at: Math.floor(job.createdMs / 1000),
      completed_at: done ? Math.floor(completedMs / 1000) : null,
      expires_at: status === 'completed' ? Math.floor((job.expiredEarly ? Date.now() - 1000 : this.expiresMs(job)) / 1000) : null,
      prompt: job.prompt,
      size: job.size,
      seconds: job.seconds,
      remixed_from_video_id: null,
      error: status === 'failed' ? job.fail : null,
      has_audio: job.hasAudio,
      fps: job.fps,
    };
  }

  private async content(req: IncomingMessage, res: ServerResponse, job: Job): Promise<void> {
    const { status } = this.timing(job);
    if (status !== 'completed') return this.send(req, res, 409, { error: { message: `Video is ${status}; content is not ready`, type: 'invalid_request_error', code: 'video_not_ready' } });
    if (job.expiredEarly || Date.now() >= this.expiresMs(job)) {
      return this.send(req, res, 410, { error: { message: 'The video content has expired', type: 'invalid_request_error', code: 'video_expired' } });
    }
    const file = join(dirname(this.options.stateFile), `${job.id}.mp4`);
    if (!existsSync(file)) await this.render(job, file);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String((await stat(file)).size) });
    this.calls.push({ method: req.method ?? '', path: req.url ?? '', status: 200 });
    createReadStream(file).pipe(res);
  }

  private async render(job: Job, file: string): Promise<void> {
    const [w, h] = job.size.split('x').map(Number) as [number, number];
    const width = Math.min(w, this.options.maxContentWidth ?? 320);
    const height = Math.round((h * width) / w / 2) * 2;
    const seconds = Number(job.seconds);
    const args = ['-f', 'lavfi', '-i', `testsrc2=s=${width - (width % 2)}x${height}:r=${job.fps}:d=${seconds}`];
    if (job.hasAudio) args.push('-f', 'lavfi', '-i', `sine=f=330:sample_rate=48000:d=${seconds}`);
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
    if (job.hasAudio) args.push('-c:a', 'aac', '-ac', '2');
    const tmp = `${file}.${process.pid}.tmp.mp4`;
    await ffmpeg([...args, '-movflags', '+faststart', tmp], { timeoutMs: 60_000, context: 'fake AV server content' });
    await rename(tmp, file);
  }

  private async speech(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as Record<string, unknown> | null;
    const input = body?.input;
    if (typeof input !== 'string' || !input.trim()) {
      return this.send(req, res, 400, { error: { message: 'input is required', type: 'invalid_request_error', param: 'input', code: 'invalid_value' } });
    }
    if (this.emptySpeech > 0) {
      this.emptySpeech--;
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': '0' });
      this.calls.push({ method: 'POST', path: req.url ?? '', status: 200 });
      return void res.end();
    }
    const seconds = Math.max(0.5, Math.min(30, [...input].length * 0.07));
    const file = join(dirname(this.options.stateFile), `speech-${randomBytes(6).toString('hex')}.wav`);
    await ffmpeg(['-f', 'lavfi', '-i', `sine=f=220:sample_rate=24000:d=${seconds.toFixed(2)}`, '-ac', '1', file], { timeoutMs: 30_000 });
    const data = readFileSync(file);
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(data.length) });
    this.calls.push({ method: 'POST', path: req.url ?? '', status: 200 });
    res.end(data);
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    this.calls.push({ method: req.method ?? '', path: req.url ?? '', status });
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private async save(): Promise<void> {
    const tmp = `${this.options.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify({ jobs: [...this.jobs.values()] } satisfies State));
    await rename(tmp, this.options.stateFile);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
