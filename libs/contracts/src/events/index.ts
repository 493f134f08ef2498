import type { z } from 'zod';
import type { Contract } from '../define.js';
import type { EventSubject } from '../subjects.js';
import { ArticleEmbeddedV1 } from './article-embedded.v1.js';
import { ArticleStoredV1 } from './article-stored.v1.js';
import { FilePurgedV1 } from './file-purged.v1.js';
import { MetricsCollectedV1 } from './metrics-collected.v1.js';
import { MetricsRequestedV1 } from './metrics-requested.v1.js';
import { ScrapeRequestedV1 } from './scrape-requested.v1.js';
import { StoryWrittenV1 } from './story-written.v1.js';
import { TrendDetectedV1 } from './trend-detected.v1.js';
import { VideoEditedV1 } from './video-edited.v1.js';
import { VideoGeneratedV1 } from './video-generated.v1.js';
import { VideoPublishedV1 } from './video-published.v1.js';

export * from './article-embedded.v1.js';
export * from './article-stored.v1.js';
export * from './file-purged.v1.js';
export * from './metrics-collected.v1.js';
export * from './metrics-requested.v1.js';
export * from './scrape-requested.v1.js';
export * from './story-written.v1.js';
export * from './trend-detected.v1.js';
export * from './video-edited.v1.js';
export * from './video-generated.v1.js';
export * from './video-published.v1.js';

const all = [
  ScrapeRequestedV1,
  ArticleStoredV1,
  ArticleEmbeddedV1,
  TrendDetectedV1,
  StoryWrittenV1,
  VideoGeneratedV1,
  VideoEditedV1,
  VideoPublishedV1,
  MetricsCollectedV1,
  MetricsRequestedV1,
  FilePurgedV1,
] as const;

type AllContracts = (typeof all)[number];
/** Subject -> payload type, checked at compile time: `EventOf<'pipeline.article.stored.v1'>`. */
export type EventOf<S extends EventSubject> = z.infer<Extract<AllContracts, { subject: S }>['schema']>;

export const EventContracts: ReadonlyMap<string, Contract<string, z.ZodType>> = new Map(
  all.map((c) => [c.subject, c as Contract<string, z.ZodType>]),
);
