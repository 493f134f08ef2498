import { z } from 'zod';

/** The parts of a `youtube#video` resource this project reads; unknown fields are ignored. */
export const VideoResource = z.object({
  id: z.string().min(1).max(64),
  snippet: z
    .object({
      title: z.string().optional(),
      channelId: z.string().optional(),
      publishedAt: z.string().optional(),
    })
    .optional(),
  status: z
    .object({
      uploadStatus: z.string().optional(),
      rejectionReason: z.string().optional(),
      failureReason: z.string().optional(),
      privacyStatus: z.string().optional(),
      containsSyntheticMedia: z.boolean().optional(),
    })
    .optional(),
  statistics: z
    .object({
      // The API sends counts as strings (uint64); a hidden count is absent.
      viewCount: z.string().regex(/^\d+$/).optional(),
      likeCount: z.string().regex(/^\d+$/).optional(),
      commentCount: z.string().regex(/^\d+$/).optional(),
    })
    .optional(),
});
export type VideoResource = z.infer<typeof VideoResource>;

export const VideoListAnswer = z.object({ items: z.array(VideoResource).max(50) });

/**
 * A `youtube#videoStats` item of `videos:batchGetStats` (GET /youtube/v3/videos:batchGetStats,
 * parts `id`, `snippet`, `statistics`, `contentDetails`; up to 50 ids; 1 unit): the counters of a
 * video without the rest of the video resource. Counts are uint64 as strings.
 */
export const VideoStat = z.object({
  kind: z.literal('youtube#videoStats').optional(),
  id: z.string().min(1).max(64),
  snippet: z.object({ publishTime: z.string().optional() }).optional(),
  statistics: z
    .object({
      viewCount: z.string().regex(/^\d+$/).optional(),
      likeCount: z.string().regex(/^\d+$/).optional(),
      commentCount: z.string().regex(/^\d+$/).optional(),
    })
    .optional(),
  contentDetails: z.object({ duration: z.string().optional(), durationMillis: z.string().regex(/^\d+$/).optional() }).optional(),
});
export type VideoStat = z.infer<typeof VideoStat>;

export const BatchGetStatsAnswer = z.object({ kind: z.literal('youtube#batchGetStatsResponse').optional(), items: z.array(VideoStat).max(50).default([]) });

/** What videos.insert takes (snippet + status); `privacyStatus` is always set, never left to the default. */
export interface VideoMetadata {
  snippet: {
    title: string;
    description: string;
    tags: string[];
    categoryId: string;
    defaultLanguage: string;
    defaultAudioLanguage: string;
  };
  status: {
    privacyStatus: 'private' | 'unlisted' | 'public';
    selfDeclaredMadeForKids: boolean;
    containsSyntheticMedia: boolean;
    publishAt?: string;
  };
}

/** YouTube Analytics `reports.query` answer: column headers plus rows in header order. */
export const ResultTable = z.object({
  kind: z.literal('youtubeAnalytics#resultTable').optional(),
  columnHeaders: z.array(z.object({ name: z.string(), columnType: z.string().optional(), dataType: z.string().optional() })).min(1),
  rows: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
});
export type ResultTable = z.infer<typeof ResultTable>;

/** Units per call from Google's quota table; `videos.insert` draws on its own uploads bucket. */
export const QuotaCost = {
  'videos.insert': { bucket: 'uploads', units: 1 },
  'videos.list': { bucket: 'general', units: 1 },
  'videos.batchGetStats': { bucket: 'general', units: 1 },
  'thumbnails.set': { bucket: 'general', units: 50 },
  'videos.update': { bucket: 'general', units: 50 },
} as const;
export type QuotaMethod = keyof typeof QuotaCost;
export type QuotaBucket = (typeof QuotaCost)[QuotaMethod]['bucket'];

/** Default daily limits of a project: 100 uploads, 10,000 units for everything else. */
export const DEFAULT_QUOTA_LIMITS: Record<QuotaBucket, number> = { uploads: 100, general: 10_000 };

/** The quota day (YYYY-MM-DD) in America/Los_Angeles, where Google resets quotas at midnight. */
export function quotaDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The instant the quota day of `at` ends: the next midnight in America/Los_Angeles (DST-aware). */
export function nextQuotaReset(at: Date): Date {
  const day = quotaDay(at);
  // Step forward in hours until the Pacific date changes, then back to the exact minute.
  let t = at.getTime();
  const hour = 3_600_000;
  while (quotaDay(new Date(t)) === day) t += hour;
  let low = t - hour;
  while (t - low > 1000) {
    const mid = Math.floor((low + t) / 2);
    if (quotaDay(new Date(mid)) === day) low = mid;
    else t = mid;
  }
  return new Date(Math.ceil(t / 1000) * 1000);
}
