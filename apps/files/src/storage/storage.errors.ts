import { ExpectedError } from '#messaging';

/**
 * Expected failures of the file store. Each carries the HTTP status and the stable code the client
 * library maps back to a typed error; the message says what the caller should do.
 */
export abstract class StorageError extends ExpectedError {
  abstract readonly status: number;
  constructor(message: string, options?: ErrorOptions) {
    // Each subclass sets its own `code` field.
    super('storage', message, options);
  }
}

export class InvalidKeyError extends StorageError {
  override readonly name = 'InvalidKeyError';
  readonly status = 400;
  override readonly code = 'invalid-key';
  constructor(reason: string) {
    super(`Invalid file key: ${reason}`);
  }
}

/** A path component is a symlink, or the resolved path leaves the root. */
export class UnsafePathError extends StorageError {
  override readonly name = 'UnsafePathError';
  readonly status = 400;
  override readonly code = 'unsafe-path';
}

export class FileNotFoundError extends StorageError {
  override readonly name = 'FileNotFoundError';
  readonly status = 404;
  override readonly code = 'not-found';
  constructor(key: string) {
    super(`No file under key ${key} (never uploaded, or purged by retention)`);
  }
}

export class ChecksumRequiredError extends StorageError {
  override readonly name = 'ChecksumRequiredError';
  readonly status = 400;
  override readonly code = 'checksum-required';
  constructor() {
    super('Send the SHA-256 of the body as hex in X-Content-SHA256 (header, or trailer announced by "Trailer: X-Content-SHA256")');
  }
}

export class ChecksumMismatchError extends StorageError {
  override readonly name = 'ChecksumMismatchError';
  readonly status = 400;
  override readonly code = 'checksum-mismatch';
  constructor(
    readonly declared: string,
    readonly actual: string,
  ) {
    super(`The body's SHA-256 is ${actual}, the request declared ${declared}; nothing was stored, upload again`);
  }
}

export class LengthMismatchError extends StorageError {
  override readonly name = 'LengthMismatchError';
  readonly status = 400;
  override readonly code = 'length-mismatch';
  constructor(expected: number, received: number) {
    super(`Content-Length said ${expected} bytes, the body had ${received}; nothing was stored`);
  }
}

/** Keys are immutable: the same key with other bytes is refused, the same bytes again are fine. */
export class KeyConflictError extends StorageError {
  override readonly name = 'KeyConflictError';
  readonly status = 409;
  override readonly code = 'key-conflict';
  constructor(key: string) {
    super(`Key ${key} already holds different content; keys are immutable, allocate a new one`);
  }
}

export class FileTooLargeError extends StorageError {
  override readonly name = 'FileTooLargeError';
  readonly status = 413;
  override readonly code = 'too-large';
  constructor(limit: number, source = 'FILES_MAX_UPLOAD_BYTES') {
    super(`The body is larger than the upload limit of ${limit} bytes (${source})`);
  }
}

export class RangeNotSatisfiableError extends StorageError {
  override readonly name = 'RangeNotSatisfiableError';
  readonly status = 416;
  override readonly code = 'range-not-satisfiable';
  constructor(
    readonly size: number,
    range: string,
  ) {
    super(`Range "${range}" does not overlap the file (${size} bytes)`);
  }
}

/** ENOSPC/EDQUOT: the writer gets this, no partial file stays, and a retention sweep is started. */
export class StorageFullError extends StorageError {
  override readonly name = 'StorageFullError';
  readonly status = 507;
  override readonly code = 'storage-full';
  constructor(detail: string) {
    super(`The file store is full (${detail}); nothing was stored and a retention sweep was started, retry later`);
  }
}

export function isStorageFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
