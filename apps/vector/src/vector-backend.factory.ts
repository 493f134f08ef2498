import type { BackendLogger } from './backends/backend-logger.js';
import { MilvusBackend } from './backends/milvus.backend.js';
import { UsearchBackend } from './backends/usearch.backend.js';
import type { VectorBackend } from './backends/vector-backend.js';
import type { VectorConfig } from './vector.config.js';

/**
 * The backend the configuration names, ready to use: the embedded store with its indexes loaded,
 * or a Milvus connection that has answered (so a wrong address stops the start, not the first request).
 */
export async function createVectorBackend(config: VectorConfig, logger?: BackendLogger): Promise<VectorBackend> {
  if (config.backend === 'milvus') {
    const backend = new MilvusBackend({ ...config.milvus, logger });
    try {
      await backend.connect();
    } catch (error) {
      await backend.close();
      throw error;
    }
    return backend;
  }
  return UsearchBackend.open({ ...config.usearch, logger });
}
