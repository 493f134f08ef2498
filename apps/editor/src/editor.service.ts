import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoryScriptV1, type EditDecisionListV1, type EditQaFiguresV1, type VideoEditedV1, type VideoGeneratedV1 } from '#contracts';
import { FilesClient, FilesConflictError, FilesError, FilesNotFoundError } from '#files-client';
import type { ChatClient } from '#llm';
import { LlmError } from '#llm';
import { MediaInputError } from '#media';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { CatalogClient } from './catalog.client.js';
import { editVideo, measureOutput, modelPlanner, qaFailures, QaGateError, type EditOutcome, type Planner, type QaFigures } from './edit/index.js';
import { EDITOR_CONFIG, REVIEW_CHAT, STANDIN_EDITOR, type EditorConfig } from './editor.config.js';

/**
 * The editor stage's logic: fetch the generated video (and its script), plan, render, gate, store
 * the edited file and its thumbnail, record the edit. An input that can never be edited, or an
 * output that fails the QA gate, is a `PoisonMessageError` with the figures (dead-lettered at once:
 * the same input fails the same way); faults that may pass (files or catalog unreachable, a tool
 * timing out, a model server busy) throw, so the message is retried.
 */
@Injectable()
export class EditorService {
  private readonly planner: Planner | undefined;
  private readonly editorName: string;

  constructor(
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    @Inject(EDITOR_CONFIG) private readonly config: EditorConfig,
    @Inject(REVIEW_CHAT) chat: Pick<ChatClient, 'completeJson'> | null,
  ) {
    if (config.planner === 'model' && chat && config.llm) {
      this.planner = modelPlanner(chat, { frames: config.review.frames, frameSide: config.review.frameSide, maxTokens: config.llm.maxTokens, timeoutMs: config.timeoutMs });
      this.editorName = `model-editor:${config.llm.model}`.slice(0, 128);
    } else {
      this.editorName = STANDIN_EDITOR;
    }
  }

  get editor(): { name: string; standIn: boolean } {
    return { name: this.editorName, standIn: this.editorName === STANDIN_EDITOR };
  }

  /** The edit's event, and whether this call recorded it (false: an earlier event already had). */
  async edit(video: VideoGeneratedV1, log: winston.Logger): Promise<{ event: VideoEditedV1; created: boolean }> {
    const workDir = await mkdtemp(join(this.config.workDir, 'editor-'));
    try {
      return await this.editIn(workDir, video, log);
    } catch (error) {
      throw classify(error, video.videoId);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async editIn(workDir: string, video: VideoGeneratedV1, log: winston.Logger): Promise<{ event: VideoEditedV1; created: boolean }> {
    const input = join(workDir, 'input.mp4');
    await this.files.download(video.fileKey, input);
    const script = await this.script(video, log);
    const profile = this.config.profile;
    const outcome = await editVideo(input, script, {
      profile,
      workDir,
      timeoutMs: this.config.timeoutMs,
      x264Preset: this.config.x264Preset,
      silenceThresholdDb: this.config.silenceThresholdDb,
      silenceMinS: this.config.silenceMinS,
      sceneThreshold: this.config.sceneThreshold,
      planner: this.planner,
    });
    this.judgeVerdict(outcome.plan, video.videoId, log);
    for (const note of outcome.plan.notes) log.info(`video ${video.videoId}: ${note}`);

    // Keys are a function of the video: a retry writes to the same keys. The story's folder date is
    // taken from the generated video's key, so the edit lands beside it.
    const ownerCreatedAt = folderDate(video.fileKey);
    const fileKey = await this.files.allocate({ storyId: video.storyId, role: 'edited', ext: 'mp4', index: video.videoId, ownerCreatedAt });
    const thumbnailKey = await this.files.allocate({ storyId: video.storyId, role: 'thumb', ext: 'jpg', index: video.videoId, ownerCreatedAt });
    const figures = await this.store(fileKey, outcome, workDir, log);
    await this.storeThumbnail(thumbnailKey, outcome.thumbnailPath, log);

    const plan = compactPlan(outcome.plan);
    const recorded = await this.catalog.createEdit({
      videoId: video.videoId,
      editor: this.editorName,
      standIn: this.editor.standIn,
      platformProfile: profile.name,
      fileKey,
      durationS: figures.durationS,
      editedAt: new Date().toISOString(),
      thumbnailKey,
      planner: plan.planner,
      plan,
      qa: { ...finiteFigures(figures), loudnessMode: outcome.rendered.loudness.mode, video: outcome.rendered.video },
    });
    log.debug(
      `video ${video.videoId}: analyse ${outcome.timingsMs.analyse} ms, plan ${outcome.timingsMs.plan} ms, render ${outcome.timingsMs.render} ms (${outcome.rendered.video}), QA ${outcome.timingsMs.qa} ms`,
    );
    const event: VideoEditedV1 = {
      editId: recorded.editId,
      videoId: video.videoId,
      editor: this.editorName,
      standIn: this.editor.standIn,
      platformProfile: profile.name,
      fileKey: recorded.fileKey,
      durationS: figures.durationS,
      thumbnailKey,
      planner: plan.planner,
      lufs: figures.lufs,
      truePeakDb: figures.truePeakDb,
      avDriftMs: figures.avDriftMs,
    };
    return { event, created: recorded.created };
  }

  /**
   * Uploads the edit. Keys are immutable: when an earlier attempt already stored this key (its
   * encode may differ by a byte on another machine), that file is the edit; it is measured and
   * gated here again, and its figures are the ones recorded.
   */
  private async store(fileKey: string, outcome: EditOutcome, workDir: string, log: winston.Logger): Promise<QaFigures> {
    try {
      await this.files.putFile(fileKey, outcome.outputPath);
      return outcome.qa.figures;
    } catch (error) {
      if (!(error instanceof FilesConflictError)) throw error;
    }
    log.info(`${fileKey} was stored by an earlier attempt; gating that file instead`);
    const stored = join(workDir, 'stored.mp4');
    await this.files.download(fileKey, stored);
    const figures = await measureOutput(stored, { workDir, timeoutMs: this.config.timeoutMs });
    const failures = qaFailures(figures, this.config.profile);
    if (failures.length > 0) throw new QaGateError(failures, figures);
    return figures;
  }

  private async storeThumbnail(key: string, path: string, log: winston.Logger): Promise<void> {
    try {
      await this.files.putFile(key, path);
    } catch (error) {
      if (!(error instanceof FilesConflictError)) throw error;
      log.debug(`${key} was stored by an earlier attempt; kept`);
    }
  }

  /** The script the video was rendered from, when the event names it; a bad one only costs the cues. */
  private async script(video: VideoGeneratedV1, log: winston.Logger): Promise<StoryScriptV1 | null> {
    if (!video.scriptKey) return null;
    try {
      const parsed = StoryScriptV1.safeParse(JSON.parse((await this.files.get(video.scriptKey)).toString('utf8')));
      if (parsed.success) return parsed.data;
      log.warn(`video ${video.videoId}: script ${video.scriptKey} is not a StoryScriptV1 (${parsed.error.issues[0]?.message}); no subtitle cues`);
    } catch (error) {
      if (error instanceof FilesError && error.retryable) throw error;
      log.warn(`video ${video.videoId}: script ${video.scriptKey} unreadable (${(error as Error).message}); no subtitle cues`);
    }
    return null;
  }

  private judgeVerdict(plan: EditDecisionListV1, videoId: number, log: winston.Logger): void {
    const verdict = plan.verdict;
    if (!verdict || verdict.matchesStory) return;
    const problems = verdict.problems.join('; ') || 'no reason given';
    if (this.config.review.blocks) throw new PoisonMessageError(`video ${videoId}: the reviewing model (${plan.planner}) says it does not match the story: ${problems}`);
    log.warn(`video ${videoId}: the reviewing model (${plan.planner}) says it does not match the story: ${problems} (recorded; EDITOR_REVIEW_BLOCKS=false)`);
  }
}

/** Errors that can never pass become dead letters with the reason; the rest are retried. */
function classify(error: unknown, videoId: number): unknown {
  if (error instanceof PoisonMessageError) return error;
  if (error instanceof QaGateError) {
    const figures = { ...error.figures, black: error.figures.black.slice(0, 5), frozen: error.figures.frozen.slice(0, 5) };
    return new PoisonMessageError(`video ${videoId}: ${error.message}; figures ${JSON.stringify(finiteFigures(figures))}`, { cause: error });
  }
  if (error instanceof MediaInputError) return new PoisonMessageError(`video ${videoId}: ${error.message}`, { cause: error });
  if (error instanceof FilesNotFoundError) return new PoisonMessageError(`video ${videoId}: its file is not on the file server (${error.message})`, { cause: error });
  if (error instanceof LlmError && !error.retryable) return new PoisonMessageError(`video ${videoId}: the reviewing model failed (${error.code}): ${error.message}`, { cause: error });
  return error;
}

/** JSON has no infinities: an unmeasurable figure (silence has no loudness) is null. */
function finiteFigures(figures: QaFigures): EditQaFiguresV1 {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(figures)) out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  return out as EditQaFiguresV1;
}

/** The plan as stored: subtitle texts go first when it would not fit a TEXT column. */
function compactPlan(plan: EditDecisionListV1): EditDecisionListV1 {
  if (JSON.stringify(plan).length <= 60_000) return plan;
  return { ...plan, subtitles: plan.subtitles.map((cue) => ({ ...cue, text: cue.text.slice(0, 40) })), notes: [...plan.notes, 'subtitle texts shortened to fit the catalog'].slice(0, 50) };
}

/** `generated/2026/11/29/ab/123/video.mp4` -> the story folder's date, so the edit lands beside it. */
export function folderDate(fileKey: string): string | undefined {
  const match = /^generated\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(fileKey);
  return match ? `${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z` : undefined;
}
