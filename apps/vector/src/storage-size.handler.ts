import { VectorStorageSizeV1, type ResponseOf } from '#contracts';
import { storageSizeResponse } from '#database';
import { ExpectedError, OnRequest } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { VECTOR_BACKEND, type VectorBackend } from './backends/vector-backend.js';
import { VectorBackendClosedError, VectorStoreUnavailableError } from './backends/vector.errors.js';

/** `vector.storage.size.v1`: what the vector store occupies (usearch files, or a Milvus estimate). */
@Controller()
export class VectorStorageSizeHandler {
  constructor(@Inject(VECTOR_BACKEND) private readonly backend: VectorBackend) {}

  @OnRequest(VectorStorageSizeV1)
  async size(): Promise<ResponseOf<typeof VectorStorageSizeV1>> {
    try {
      return storageSizeResponse('vector', await this.backend.storageSize());
    } catch (error) {
      if (error instanceof VectorStoreUnavailableError || error instanceof VectorBackendClosedError) {
        throw new ExpectedError('unavailable', error.message, { cause: error });
      }
      throw error;
    }
  }
}
