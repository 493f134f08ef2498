import { RequestError } from '#messaging';

/** Expected failures of a catalog request; the controller hands them to the caller with their code. */
export type CatalogErrorCode = 'not-found' | 'invalid' | 'conflict';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function notFound(what: string): CatalogError {
  return new CatalogError('not-found', `${what} does not exist`);
}

/** Runs a request handler's work; a CatalogError reaches the caller with its code, anything else as `internal`. */
export async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CatalogError) throw new RequestError(error.code, error.message);
    throw error;
  }
}
