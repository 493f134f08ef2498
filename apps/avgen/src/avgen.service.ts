import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoryScriptV1, type MediaV1, type StoryWrittenV1, type VideoGeneratedV1 } from '#contracts';
import { FilesClient, FilesConflictError, FilesNotFoundError } from '#files-client';
import {
  assembleClips,
  audioDuration,
  espeakNarration,
  MediaInputError,
  probe,
  renderStandIn,
  STANDIN_RENDERER,
  type ClipPart,
  type ProbeResult,
  type SceneMedia,
} from '#media';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable, Optional } from '@nestjs/common';
import sharp from 'sharp';
import type winston from 'winston';
import { AVGEN_CONFIG, type AvgenConfig } from './avgen.config.js';
import { CatalogClient } from './catalog.client.js';
import { SpeechClient } from './speech.client.js';
import { VideoContentExpiredError, VideoJobClient, VideoJobNotFoundError, type VideoJob } from './video-job.client.js';

/** What the stage made, before it is stored and recorded. */
interface Made {
  path: string;
  model: string;
  standIn: boolean;
  narrationSource: string;
  /** Set when the bytes already went to the file server (streamed from the model). */
  fileKey: string | null;
}

interface Part {
  /** 0 = the whole story, n = scene n. */
  part: number;
  prompt: string;
  seconds: number;
  referenceImage: string | undefined;
}

/** Job error codes that another attempt cannot fix: the story is dead-lettered with the code. */
const PERMANENT_JOB_ERRORS = /policy|moderation|safety|blocked|invalid|unsupported/i;
const NARRATION_MARGIN_S = 0.5;

export const VIDEO_JOBS = Symbol('VIDEO_JOBS');
export const SPEECH = Symbol('SPEECH');

/**
 * The avgen stage's logic: read the story script, fetch the article media it picked, make the
 * video (embedded stand-in renderer, or an AV model pod through its job API), store it on the file
 * server and record it in the catalog. An input that can never render (invalid script, corrupt
 * media, empty narration, a job refused for its content) is a PoisonMessageError; anything that
 * may pass (a service or the model server unreachable, a job still running at the timeout) throws,
 * so the message is retried, and a model job recorded before waiting is resumed, not paid twice.
 */
@Injectable()
export class AvgenService {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    @Inject(AVGEN_CONFIG) private readonly config: AvgenConfig,
    @Optional() @Inject(VIDEO_JOBS) private readonly jobs: VideoJobClient | null = null,
    @Optional() @Inject(SPEECH) private readonly speech: SpeechClient | null = null,
  ) {}

  async generate(story: StoryWrittenV1, log: winston.Logger): Promise<VideoGeneratedV1> {
    const workDir = await mkdtemp(join(tmpdir(), `avgen-${story.storyId}-`));
    const holder = `avgen:${story.storyId}`;
    let held: string[] = [];
    try {
      const script = await this.loadScript(story);
      const article = await this.catalog.getArticle(story.articleId);
      if (!article) throw new PoisonMessageError(`story ${story.storyId}: article ${story.articleId} is not in the catalog`);
      const picked = this.pickMedia(script, article.media, log);
      held = [...picked.values()].map((m) => m.fileKey!);
      if (held.length > 0) await this.files.hold(held, holder, new Date(Date.now() + 2 * 3600_000));
      const media = await this.fetchMedia(picked, workDir, log);
      const made = this.config.backend === 'http' ? await this.viaModel(story, script, media, workDir, log) : await this.standIn(script, media, workDir, log);
      const probed = await probe(made.path, { context: 'generated video' });
      if (!probed.video || !probed.durationS) throw new Error(`story ${story.storyId}: the generated file has no video (${made.model})`);
      const fileKey = made.fileKey ?? (await this.store(story, made.path, 0, log));
      const generatedAt = new Date().toISOString();
      const video = await this.catalog.createVideo({
        storyId: story.storyId,
        model: made.model,
        standIn: made.standIn,
        fileKey,
        durationS: probed.durationS,
        hasAudio: probed.audio !== null,
        generatedAt,
        variant: 0,
        narrationSource: made.narrationSource,
        width: probed.video.width,
        height: probed.video.height,
        fps: probed.video.fps,
      });
      if (!video.created) log.info(`story ${story.storyId}: video ${video.videoId} was already recorded (redelivery); its file ${video.fileKey} stands`);
      return {
        videoId: video.videoId,
        storyId: story.storyId,
        model: made.model,
        standIn: made.standIn,
        fileKey: video.fileKey,
        durationS: probed.durationS,
        hasAudio: probed.audio !== null,
        narrationSource: made.narrationSource,
      };
    } catch (error) {
      if (error instanceof MediaInputError) throw new PoisonMessageError(`story ${story.storyId}: ${error.message}`);
      throw error;
    } finally {
      if (held.length > 0) await this.files.release(held, holder).catch((error: unknown) => log.warn(`story ${story.storyId}: releasing the media hold failed: ${String(error)}`));
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** The script JSON on the file server, validated; an unreadable or invalid one can never render. */
  private async loadScript(story: StoryWrittenV1): Promise<StoryScriptV1> {
    let text: string;
    try {
      text = (await this.files.get(story.textKey)).toString('utf8');
    } catch (error) {
      if (error instanceof FilesNotFoundError) throw new PoisonMessageError(`story ${story.storyId}: the script ${story.textKey} is not on the file server`);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new PoisonMessageError(`story ${story.storyId}: the script ${story.textKey} is not JSON (${(error as Error).message})`);
    }
    const parsed = StoryScriptV1.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new PoisonMessageError(`story ${story.storyId}: the script ${story.textKey} is not a valid StoryScriptV1: ${issues.join('; ')}`);
    }
    return parsed.data;
  }

  /** The article media the scenes picked and that have a stored file; the rest get a title card. */
  private pickMedia(script: StoryScriptV1, media: MediaV1[], log: winston.Logger): Map<number, MediaV1> {
    const picked = new Map<number, MediaV1>();
    script.scenes.forEach((scene, i) => {
      if (scene.mediaId === null || picked.has(scene.mediaId)) return;
      const row = media.find((m) => m.mediaId === scene.mediaId);
      if (!row) return void log.warn(`scene ${i + 1}: media ${scene.mediaId} is not one of the article's; a title card is used`);
      if (row.kind === 'embed' || !row.fileKey || (row.status !== null && row.status !== 'stored')) {
        return void log.info(`scene ${i + 1}: media ${scene.mediaId} has no stored file (${row.kind}, ${row.status ?? 'pending'}); a title card is used`);
      }
      picked.set(row.mediaId, row);
    });
    return picked;
  }

  private async fetchMedia(picked: Map<number, MediaV1>, workDir: string, log: winston.Logger): Promise<Map<number, SceneMedia>> {
    const local = new Map<number, SceneMedia>();
    for (const row of picked.values()) {
      const path = join(workDir, `media-${row.mediaId}`);
      try {
        await this.files.download(row.fileKey!, path);
      } catch (error) {
        if (!(error instanceof FilesNotFoundError)) throw error;
        log.warn(`media ${row.mediaId}: ${row.fileKey} is gone from the file server; a title card is used`);
        continue;
      }
      local.set(row.mediaId, { kind: row.kind === 'video' ? 'video' : 'image', path });
    }
    return local;
  }

  private async standIn(script: StoryScriptV1, media: Map<number, SceneMedia>, workDir: string, log: winston.Logger): Promise<Made> {
    const out = join(workDir, 'standin.mp4');
    const { output } = this.config;
    const result = await renderStandIn(script, media, out, {
      width: output.width,
      height: output.height,
      fps: output.fps,
      preset: this.config.preset,
      timeoutMs: this.config.renderTimeoutMs,
      workDir: join(workDir, 'render'),
    });
    log.info(`rendered ${result.scenes.length} scenes, ${result.durationS.toFixed(1)} s, in ${result.renderMs} ms (${STANDIN_RENDERER}, ${result.narrationSource})`);
    return { path: out, model: STANDIN_RENDERER, standIn: true, narrationSource: result.narrationSource, fileKey: null };
  }

  /** Allocates the story's video key and uploads; an identical earlier upload is fine, another one stands. */
  private async store(story: StoryWrittenV1, path: string, index: number, log: winston.Logger): Promise<string> {
    const key = await this.allocate(story, index);
    try {
      await this.files.putFile(key, path);
    } catch (error) {
      if (!(error instanceof FilesConflictError)) throw error;
      log.info(`story ${story.storyId}: ${key} already holds an earlier render; it is kept`);
    }
    return key;
  }

  private allocate(story: StoryWrittenV1, index: number): Promise<string> {
    // The story's files share one folder when every allocation passes the story's date; the
    // script's key carries it (generated/<yyyy>/<mm>/<dd>/...).
    const date = /^generated\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(story.textKey);
    return this.files.allocate({
      storyId: story.storyId,
      role: 'generated',
      ext: 'mp4',
      ...(index > 0 ? { index } : {}),
      ...(date ? { ownerCreatedAt: `${date[1]}-${date[2]}-${date[3]}T00:00:00.000Z` } : {}),
    });
  }

  // ---- AV model pod ------------------------------------------------------------------------

  private async viaModel(story: StoryWrittenV1, script: StoryScriptV1, media: Map<number, SceneMedia>, workDir: string, log: winston.Logger): Promise<Made> {
    const cfg = this.config.model!;
    const totalS = script.scenes.reduce((sum, s) => sum + s.durationS, 0);
    const perStory = cfg.granularity === 'story' || (cfg.granularity === 'auto' && totalS <= cfg.maxSeconds);
    const parts: Part[] = perStory
      ? [{ part: 0, prompt: storyPrompt(script), seconds: Math.min(cfg.maxSeconds, Math.ceil(totalS)), referenceImage: await this.reference(script.scenes.map((s) => s.mediaId), media) }]
      : await Promise.all(
          script.scenes.map(async (scene, i) => ({
            part: i + 1,
            prompt: scenePrompt(script, i),
            seconds: Math.min(cfg.maxSeconds, Math.ceil(scene.durationS)),
            referenceImage: await this.reference([scene.mediaId], media),
          })),
        );
    // Submitted together (the pod queues them), waited for together.
    const clips = await Promise.all(
      parts.map((part) => this.runPart(story, part, join(workDir, `clip-${part.part}.mp4`), perStory ? () => this.allocate(story, 0) : null, log)),
    );
    const hasAudio = clips.every((c) => c.probed.audio !== null);
    if (perStory && hasAudio && clips[0]!.fileKey) {
      return { path: clips[0]!.path, model: cfg.model, standIn: false, narrationSource: 'model', fileKey: clips[0]!.fileKey };
    }
    const out = join(workDir, 'assembled.mp4');
    let assembled: ClipPart[];
    let narrationSource = 'model';
    if (hasAudio) {
      assembled = clips.map((clip, i) => ({ video: clip.path, durationS: perStory ? (clip.probed.durationS ?? totalS) : script.scenes[i]!.durationS, audio: 'clip' }));
    } else {
      const narrated = await this.narrate(script, perStory, workDir);
      narrationSource = narrated.source;
      assembled = perStory
        ? [{ video: clips[0]!.path, durationS: Math.max(clips[0]!.probed.durationS ?? totalS, narrated.files[0]!.durationS + NARRATION_MARGIN_S), audio: narrated.files[0]!.path }]
        : clips.map((clip, i) => ({
            video: clip.path,
            durationS: Math.max(script.scenes[i]!.durationS, narrated.files[i]!.durationS + NARRATION_MARGIN_S),
            audio: narrated.files[i]!.path,
          }));
      log.info(`the model made video only; narration by ${narrationSource} muxed in`);
    }
    const { output } = this.config;
    await assembleClips(assembled, out, { ...output, preset: this.config.preset, timeoutMs: this.config.renderTimeoutMs });
    // The straight-through upload (if any) was the model's clip; the assembled file gets its own key.
    return { path: out, model: cfg.model, standIn: false, narrationSource, fileKey: perStory && clips[0]!.fileKey ? await this.store(story, out, 1, log) : null };
  }

  /** Narration for a video-only model: per scene, or one track for a one-clip story. */
  private async narrate(script: StoryScriptV1, perStory: boolean, workDir: string): Promise<{ source: string; files: { path: string; durationS: number }[] }> {
    const texts = perStory ? [script.scenes.map((s) => s.narration).join(' ')] : script.scenes.map((s) => s.narration);
    const files: { path: string; durationS: number }[] = [];
    let source = '';
    for (const [i, text] of texts.entries()) {
      const path = join(workDir, `narration-${i}.wav`);
      const context = perStory ? 'narration' : `scene ${i + 1}: narration`;
      if (this.speech) {
        await this.speech.speak(text, path);
        files.push({ path, durationS: await audioDuration(path, `${context} from the speech server`) });
        source = this.speech.source;
      } else {
        const spoken = await espeakNarration(text, script.language, path, { context });
        files.push({ path, durationS: spoken.durationS });
        source = `espeak-ng:${spoken.voice}`;
      }
    }
    return { source, files };
  }

  /** The first picked image as a JPEG data URL (at most 1024 px), for the model to start from. */
  private async reference(mediaIds: (number | null)[], media: Map<number, SceneMedia>): Promise<string | undefined> {
    for (const id of mediaIds) {
      const found = id !== null ? media.get(id) : undefined;
      if (!found || found.kind !== 'image') continue;
      try {
        const jpeg = await sharp(found.path).rotate().resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
        return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
      } catch (error) {
        throw new MediaInputError(`image media ${id}: not a readable image (${(error as Error).message.split('\n')[0]})`);
      }
    }
    return undefined;
  }

  /**
   * One part through the job API: resume the recorded job if there is one, else submit and
   * record it before waiting; download when done. Expired content, a lost job or a failed one
   * starts the next attempt (recorded with its reason) up to AVGEN_MAX_ATTEMPTS.
   */
  private async runPart(
    story: StoryWrittenV1,
    part: Part,
    path: string,
    streamTo: (() => Promise<string>) | null,
    log: winston.Logger,
  ): Promise<{ path: string; probed: ProbeResult; fileKey: string | null }> {
    const jobs = this.jobs!;
    const cfg = this.config.model!;
    const key = { storyId: story.storyId, model: cfg.model, variant: 0, part: part.part };
    const label = part.part === 0 ? `story ${story.storyId}` : `story ${story.storyId} scene ${part.part}`;
    for (;;) {
      const latest = await this.catalog.latestJob(key);
      let jobId: string;
      let attempt: number;
      if (latest && (latest.status === 'submitted' || latest.status === 'completed')) {
        ({ jobId, attempt } = latest);
        log.info(`${label}: resuming job ${jobId} (attempt ${attempt}, ${latest.status})`);
      } else {
        attempt = (latest?.attempt ?? 0) + 1;
        if (attempt > this.config.maxAttempts) {
          throw new PoisonMessageError(`${label}: no video after ${this.config.maxAttempts} jobs; the last ended ${latest!.status}: ${latest!.error ?? ''}`);
        }
        const created = await jobs.create(
          { model: cfg.model, prompt: part.prompt, seconds: part.seconds, size: cfg.size, referenceImage: part.referenceImage },
          `story-${story.storyId}-${cfg.model}-v0-p${part.part}-a${attempt}`,
        );
        const recorded = await this.catalog.recordJob({ ...key, attempt, jobId: created.id, status: 'submitted' });
        jobId = recorded.job.jobId;
        if (jobId !== created.id) {
          log.info(`${label}: another replica submitted job ${jobId} first; cancelling ${created.id}`);
          await jobs.delete(created.id).catch(() => undefined);
        } else {
          log.info(`${label}: submitted job ${jobId} (attempt ${attempt}, ${part.seconds} s, ${cfg.size})`);
        }
      }
      const record = (status: 'completed' | 'failed' | 'expired' | 'lost', error: string | null = null) =>
        this.catalog.recordJob({ ...key, attempt, jobId, status, error });

      let job: VideoJob;
      try {
        job = await this.waitFor(jobId, label, log);
      } catch (error) {
        if (!(error instanceof VideoJobNotFoundError)) throw error;
        log.warn(`${label}: job ${jobId} is unknown to the model server (${error.message}); submitting again`);
        await record('lost', error.message.slice(0, 1000));
        continue;
      }
      if (job.status === 'failed') {
        const reason = `${job.error?.code ?? 'unknown'}: ${job.error?.message ?? ''}`.slice(0, 1000);
        await record('failed', reason);
        if (PERMANENT_JOB_ERRORS.test(job.error?.code ?? '')) throw new PoisonMessageError(`${label}: the model refused the job ${jobId} (${reason})`);
        log.warn(`${label}: job ${jobId} failed (${reason}); trying again`);
        continue;
      }
      try {
        if (job.expiresAt && job.expiresAt.getTime() <= Date.now()) throw new VideoContentExpiredError(`its content expired at ${job.expiresAt.toISOString()}`, null, 'expired');
        const fileKey = job.hasAudio !== false && streamTo ? await streamTo() : null;
        await this.download(jobId, path, fileKey);
        const probed = await probe(path, { context: `${label}: job ${jobId}'s content` }).catch((error: unknown) => {
          throw new Error(`${label}: job ${jobId}'s content is not a readable video: ${(error as Error).message}`);
        });
        if (!probed.video) throw new Error(`${label}: job ${jobId}'s content has no video stream`);
        await record('completed');
        return { path, probed, fileKey };
      } catch (error) {
        if (!(error instanceof VideoContentExpiredError)) throw error;
        const reason = `content expired before download: ${error.message}`.slice(0, 1000);
        log.warn(`${label}: job ${jobId}: ${reason}; generating again`);
        await record('expired', reason);
      }
    }
  }

  private async waitFor(jobId: string, label: string, log: winston.Logger): Promise<VideoJob> {
    const deadline = Date.now() + this.config.jobTimeoutMs;
    let lastProgress = -1;
    for (;;) {
      const job = await this.jobs!.get(jobId);
      if (job.status === 'completed' || job.status === 'failed') return job;
      if (job.progress >= lastProgress + 25) {
        lastProgress = job.progress;
        log.debug(`${label}: job ${jobId} ${job.status} ${job.progress}%`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${label}: job ${jobId} still ${job.status} (${job.progress}%) after ${this.config.jobTimeoutMs} ms; the retry resumes it`);
      }
      await sleep(this.config.pollMs);
    }
  }

  /**
   * Streams the content to a local file, and at the same time to the file server when a key is
   * given (the model's file is the final video): no second pass over the bytes.
   */
  private async download(jobId: string, path: string, fileKey: string | null): Promise<void> {
    const { stream } = await this.jobs!.content(jobId);
    if (!fileKey) {
      await pipeline(stream, createWriteStream(path));
      return;
    }
    const toFiles = new PassThrough();
    const toDisk = new PassThrough();
    stream.on('error', (error) => {
      toFiles.destroy(error);
      toDisk.destroy(error);
    });
    stream.pipe(toFiles);
    stream.pipe(toDisk);
    await Promise.all([
      this.files.putStream(fileKey, toFiles).catch((error: unknown) => {
        if (!(error instanceof FilesConflictError)) throw error;
      }),
      pipeline(toDisk, createWriteStream(path)),
    ]);
  }
}

function storyPrompt(script: StoryScriptV1): string {
  const scenes = script.scenes.map((s, i) => `Scene ${i + 1} (${s.durationS} s): ${s.onScreen || s.narration}. Voice-over: "${s.narration}"`);
  return [`A vertical 9:16 short video in ${script.language}: "${script.title}". Hook: ${script.hook}`, ...scenes].join('\n').slice(0, 4000);
}

function scenePrompt(script: StoryScriptV1, index: number): string {
  const s = script.scenes[index]!;
  return `A vertical 9:16 shot from the short "${script.title}" (${script.language}). ${s.onScreen || s.narration}. Voice-over: "${s.narration}"`.slice(0, 4000);
}

