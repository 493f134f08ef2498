/**
 * Typed failures of the files service. `retryable` says whether the same call may succeed later
 * unchanged (the server was unreachable, or full and sweeping); the others need a different call.
 */
export class FilesError extends Error {
  override name = 'FilesError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class FilesNotFoundError extends FilesError {
  override name = 'FilesNotFoundError';
}

/** The key was refused (grammar, symlink): the caller has a bug, ask files.allocate.v1. */
export class FilesInvalidKeyError extends FilesError {
  override name = 'FilesInvalidKeyError';
}

/** The bytes do not match their SHA-256 (on upload at the server, on download at the client). */
export class FilesChecksumError extends FilesError {
  override name = 'FilesChecksumError';
}

/** The key already holds other bytes; keys are immutable. */
export class FilesConflictError extends FilesError {
  override name = 'FilesConflictError';
}

export class FilesTooLargeError extends FilesError {
  override name = 'FilesTooLargeError';
}

export class FilesRangeError extends FilesError {
  override name = 'FilesRangeError';
}

/** 507: nothing was stored; retention is sweeping, retry later. */
export class FilesStorageFullError extends FilesError {
  override name = 'FilesStorageFullError';
  /** An outage of the files service for the delivery layer (`unavailableDependency` in #messaging). */
  readonly unavailableDependency = 'files';
}

/** Could not reach the service, or it failed (5xx): retry later. */
export class FilesUnavailableError extends FilesError {
  override name = 'FilesUnavailableError';
  /** An outage of the files service for the delivery layer (`unavailableDependency` in #messaging). */
  readonly unavailableDependency = 'files';
}

/** Anything else the server answered (bad request of another kind, unexpected status). */
export class FilesRequestError extends FilesError {
  override name = 'FilesRequestError';
}

/** Maps an HTTP answer of the files service to its typed error. */
export function errorFromResponse(status: number, code: string | undefined, message: string | undefined, what: string): FilesError {
  const text = message ?? `${what}: HTTP ${status}`;
  const c = code ?? `http-${status}`;
  if (status === 404) return new FilesNotFoundError(text, c, status, false);
  if (status === 409) return new FilesConflictError(text, c, status, false);
  if (status === 413) return new FilesTooLargeError(text, c, status, false);
  if (status === 416) return new FilesRangeError(text, c, status, false);
  if (status === 507) return new FilesStorageFullError(text, c, status, true);
  if (status === 400 && (c === 'invalid-key' || c === 'unsafe-path')) return new FilesInvalidKeyError(text, c, status, false);
  if (status === 400 && c === 'checksum-mismatch') return new FilesChecksumError(text, c, status, false);
  if (status >= 500) return new FilesUnavailableError(text, c, status, true);
  return new FilesRequestError(text, c, status, false);
}
