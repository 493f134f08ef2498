import { FilesError } from '#files-client';
import { errorMessage, isTemporary, RemoteError } from '#messaging';
import { FetchError } from './fetch/fetch.errors.js';
import { MediaRejectedError } from './media/media.errors.js';
import { SourceFormatError } from './sources/xml.util.js';

/**
 * The catalog, the files service, NATS or JetStream failed (a publish included): nothing about
 * this article is wrong, the whole run should stop and be retried later (every step is
 * idempotent, so a retry finishes the work). One classification for every stage: `isTemporary`.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (isTemporary(error)) return true;
  if (error instanceof FilesError) return error.retryable;
  return false;
}

/** A short machine code for reports and logs. */
export function failureCode(error: unknown): string {
  if (error instanceof FetchError) return error.code;
  if (error instanceof MediaRejectedError) return error.code;
  if (error instanceof SourceFormatError) return 'format';
  if (error instanceof FilesError) return `files-${error.code}`;
  if (error instanceof RemoteError) return `catalog-${error.code}`;
  return 'error';
}

export function describe(error: unknown): string {
  return errorMessage(error).slice(0, 2000);
}
