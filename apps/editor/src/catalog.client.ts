import { CatalogEditCreateV1, type CatalogEditCreateRequestV1, type CatalogEditCreateResponseV1 } from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The catalog as the editor needs it, over NATS request/reply. */
@Injectable()
export class CatalogClient {
  constructor(private readonly requests: RequestClient) {}

  /** Idempotent on (video, editor, profile): a retried edit gets the stored row (and its file key) back. */
  createEdit(request: CatalogEditCreateRequestV1): Promise<CatalogEditCreateResponseV1> {
    return this.requests.request(CatalogEditCreateV1, request);
  }
}
