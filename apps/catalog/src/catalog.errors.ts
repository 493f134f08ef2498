import { ExpectedError } from '#messaging';

/** Expected failures of a catalog request; the caller receives them with their code. */
export type CatalogErrorCode = 'not-found' | 'invalid' | 'conflict';

export class CatalogError extends ExpectedError {
  override readonly name = 'CatalogError';
  constructor(
    override readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export function notFound(what: string): CatalogError {
  return new CatalogError('not-found', `${what} does not exist`);
}
