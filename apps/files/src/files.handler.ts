import {
  FilesAllocateV1,
  FilesEndpointV1,
  FilesStatV1,
  FilesUsageV1,
  type RequestOf,
  type ResponseOf,
} from '#contracts';
import { OnRequest } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { FilesService } from './files.service.js';
import { allocateKey } from './storage/key-layout.js';
import { StorageError } from './storage/storage.errors.js';

/** The files service on NATS: where the bytes API is, which key to use, what is stored. */
@Controller()
export class FilesHandler {
  constructor(@Inject(FilesService) private readonly files: FilesService) {}

  @OnRequest(FilesEndpointV1)
  async endpoint(): Promise<ResponseOf<typeof FilesEndpointV1>> {
    const { token, expiresAt } = this.files.issueToken();
    return { baseUrl: this.files.baseUrl, apiVersion: 'v1', token, tokenExpiresAt: expiresAt.toISOString() };
  }

  @OnRequest(FilesAllocateV1)
  async allocate(request: RequestOf<typeof FilesAllocateV1>): Promise<ResponseOf<typeof FilesAllocateV1>> {
    const key = allocateKey(request);
    const grant = this.files.issueUploadGrant(key, request.role, request.maxBytes);
    return { key, uploadToken: grant.token, maxBytes: grant.maxBytes, uploadExpiresAt: grant.expiresAt.toISOString() };
  }

  @OnRequest(FilesStatV1)
  async stat(request: RequestOf<typeof FilesStatV1>): Promise<ResponseOf<typeof FilesStatV1>> {
    const stored = await this.files.store.stat(request.key, { checksum: 'compute' });
    return {
      key: request.key,
      exists: stored !== null,
      bytes: stored?.bytes ?? null,
      sha256: stored?.sha256 ?? null,
      modifiedAt: stored?.modifiedAt.toISOString() ?? null,
    };
  }

  @OnRequest(FilesUsageV1)
  async usage(): Promise<ResponseOf<typeof FilesUsageV1>> {
    return this.files.usage();
  }
}
