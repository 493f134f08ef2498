import { Events, FilesUsageV1, CatalogRetentionPlanV1, LoggerEventsRecentV1, type LoggedEventV1 } from '#contracts';
import type { RequestClient } from '#messaging';

export interface Section<T> {
  items: T[];
  error: string | null;
}

/**
 * The content and storage pages: what the stages announced (from the log DB, so every stage that
 * lands shows up without a new catalog query), the files service's usage and the retention plan.
 */
export class ContentService {
  constructor(private readonly requests: RequestClient) {}

  async recent(subject: string, limit: number): Promise<Section<LoggedEventV1>> {
    try {
      const { events } = await this.requests.request(LoggerEventsRecentV1, { subject, limit });
      return { items: events, error: null };
    } catch (error) {
      return { items: [], error: (error as Error).message };
    }
  }

  async content(): Promise<Record<'articles' | 'trends' | 'stories' | 'videos' | 'edits' | 'publications' | 'metrics', Section<LoggedEventV1>>> {
    const [articles, trends, stories, videos, edits, publications, metrics] = await Promise.all([
      this.recent(Events.ArticleStoredV1, 12),
      this.recent(Events.TrendDetectedV1, 10),
      this.recent(Events.StoryWrittenV1, 10),
      this.recent(Events.VideoGeneratedV1, 6),
      this.recent(Events.VideoEditedV1, 6),
      this.recent(Events.VideoPublishedV1, 10),
      this.recent(Events.MetricsCollectedV1, 200),
    ]);
    return { articles, trends, stories, videos, edits, publications, metrics };
  }

  async storage() {
    const [usage, purged] = await Promise.all([
      this.requests.request(FilesUsageV1, {}).then(
        (value) => ({ value, error: null }),
        (error: Error) => ({ value: null, error: error.message }),
      ),
      this.recent(Events.FilePurgedV1, 20),
    ]);
    let next: { value: { key: string; bytes: number; reason: string }[]; error: string | null } = { value: [], error: null };
    if (usage.value) {
      // What retention would take next: enough to get under the low watermark, or a sample of 1 GiB.
      const overLow = usage.value.usedBytes - usage.value.lowWatermark * usage.value.capacityBytes;
      const bytesToFree = Math.max(1, Math.ceil(overLow > 0 ? overLow : 2 ** 30));
      next = await this.requests.request(CatalogRetentionPlanV1, { bytesToFree, minAgeSeconds: 0, limit: 20 }).then(
        (plan) => ({ value: plan.candidates, error: null }),
        (error: Error) => ({ value: [], error: error.message }),
      );
    }
    return { usage, purged, next };
  }
}
