import type { Envelope } from '#contracts';
import type winston from 'winston';
import type { CategoryRule } from './category.rule.js';
import type { FingerprintBook } from './dedup/fingerprint.book.js';
import type { FetchSession } from './fetch/fetch.client.js';
import type { MediaOutcome } from './media/media.service.js';
import type { SourceConfig } from './sources/sources.config.js';

/** What one source's part of a run shares between its articles. */
export interface RunContext {
  source: SourceConfig;
  session: FetchSession;
  /** The ScrapeRequestedV1 being handled: cause of every event published and the run's start. */
  envelope: Envelope;
  attempt: number;
  /** An earlier run of this very command may have created rows (redelivered, or held in an outage). */
  rerun: boolean;
  log: winston.Logger;
  rule: CategoryRule;
  book: FingerprintBook;
  /** Articles this attempt already finished (a page listed twice, by two sources of one command). */
  finished: Set<number>;
  heartbeat(): void;
}

export type ArticleOutcome =
  | { status: 'stored'; url: string; articleId: number; category: string; resumed: boolean; media: MediaOutcome[] }
  /** The URL (or its canonical form) is already in the catalog and complete. */
  | { status: 'exists'; url: string; articleId: number }
  /** The same text is stored under another URL; the catalog now knows this URL as an alias of it. */
  | { status: 'duplicate'; url: string; articleId: number }
  /** A near-duplicate (SimHash) of another page of this run, linked to that article as an alias. */
  | { status: 'near-duplicate'; url: string; articleId: number; distance: number; of: string }
  | { status: 'skipped'; url: string; code: string; message: string; retryable: boolean };

export interface SourceReport {
  sourceId: string;
  startedAt: string;
  finishedAt: string | null;
  discovered: number;
  outcomes: ArticleOutcome[];
  /** Set when the source itself could not be read (its feed, sitemap or listing page). */
  failure: { code: string; message: string; permanent: boolean } | null;
}
