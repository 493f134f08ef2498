import type {
  CatalogVideoJobLatestRequestV1,
  CatalogVideoJobLatestResponseV1,
  CatalogVideoJobRecordRequestV1,
  CatalogVideoJobRecordResponseV1,
  VideoJobV1,
} from '#contracts';
import { Injectable } from '@nestjs/common';
import { notFound } from './catalog.errors.js';
import { insertOnce } from './database/insert-once.js';
import type { VideoJobEntity } from './entities/video-job.entity.js';
import { StoryRepository } from './repositories/story.repository.js';
import { VideoJobRepository } from './repositories/video-job.repository.js';

/** Jobs on AV model servers: recorded before anyone waits for them, so a restart resumes them. */
@Injectable()
export class VideoJobService {
  constructor(
    private readonly jobs: VideoJobRepository,
    private readonly stories: StoryRepository,
  ) {}

  async latest(request: CatalogVideoJobLatestRequestV1): Promise<CatalogVideoJobLatestResponseV1> {
    const row = await this.jobs.latest(keyOf(request));
    return { job: row ? toJob(row) : null };
  }

  async record(request: CatalogVideoJobRecordRequestV1): Promise<CatalogVideoJobRecordResponseV1> {
    if (!(await this.stories.byId(request.storyId))) throw notFound(`story ${request.storyId}`);
    const key = { ...keyOf(request), attempt: request.attempt };
    const now = new Date();
    const error = request.error ?? null;
    const { row, created } = await insertOnce(
      () => this.jobs.byAttempt(key),
      () => this.jobs.insert({ ...key, jobId: request.jobId, status: request.status, error, createdAt: now, updatedAt: now }),
    );
    if (created || row.jobId !== request.jobId) return { job: toJob(row), created };
    if (row.status !== request.status || row.error !== error) {
      await this.jobs.setStatus(row.id, request.status, error, now);
      return { job: toJob({ ...row, status: request.status, error, updatedAt: now }), created: false };
    }
    return { job: toJob(row), created: false };
  }
}

function keyOf(request: { storyId: number; model: string; variant?: number; part: number }) {
  return { storyId: request.storyId, model: request.model, variant: request.variant ?? 0, part: request.part };
}

function toJob(row: VideoJobEntity): VideoJobV1 {
  return {
    jobRowId: row.id,
    storyId: row.storyId,
    model: row.model,
    variant: row.variant,
    part: row.part,
    attempt: row.attempt,
    jobId: row.jobId,
    status: row.status as VideoJobV1['status'],
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
