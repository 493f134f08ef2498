/**
 * Named failures of the vector backends. `retryable` tells a caller (the request handler, a
 * pipeline stage) whether trying the same call again later can succeed.
 */
export abstract class VectorBackendError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
}

/** The caller sent something no backend can store or search: fix the input, do not retry. */
export class VectorInputError extends VectorBackendError {
  override readonly name = 'VectorInputError';
  readonly code = 'VECTOR_INPUT_INVALID';
  readonly retryable = false;
}

/** A space of that name already exists with another dimension or metric. */
export class VectorSpaceMismatchError extends VectorBackendError {
  override readonly name = 'VectorSpaceMismatchError';
  readonly code = 'VECTOR_SPACE_MISMATCH';
  readonly retryable = false;
}

/** The vector store cannot be reached (server down, network); the same call may succeed later. */
export class VectorStoreUnavailableError extends VectorBackendError {
  override readonly name = 'VectorStoreUnavailableError';
  readonly code = 'VECTOR_STORE_UNAVAILABLE';
  readonly retryable = true;
}

/** The vector store answered but refused or failed the request. */
export class VectorStoreError extends VectorBackendError {
  override readonly name = 'VectorStoreError';
  readonly code = 'VECTOR_STORE_FAILED';
  readonly retryable = false;
}

/** Another process holds the embedded backend's data directory. */
export class VectorDataDirLockedError extends VectorBackendError {
  override readonly name = 'VectorDataDirLockedError';
  readonly code = 'VECTOR_DATA_DIR_LOCKED';
  readonly retryable = false;
}

/** The backend was used after `close()`. */
export class VectorBackendClosedError extends VectorBackendError {
  override readonly name = 'VectorBackendClosedError';
  readonly code = 'VECTOR_BACKEND_CLOSED';
  readonly retryable = false;
}
