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
