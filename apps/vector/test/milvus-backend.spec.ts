import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendLogger } from '../src/backends/backend-logger.js';
import { MILVUS_DEFAULTS, MILVUS_INDEX_TYPES, MilvusBackend, type MilvusIndexType } from '../src/backends/milvus.backend.js';
import { VectorStoreUnavailableError } from '../src/backends/vector.errors.js';
import { vectorBackendContract } from './vector-backend.contract.js';
import { uniqueSpace } from './vector-fixtures.js';

// CI starts a Milvus server (scripts/milvus.sh start), so an absent server is a failure here, not a skip.
const address = process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530';
// FLAT is exact, so the contract's exact-answer checks hold; any type the server takes can be tried.
const indexType = (process.env.MILVUS_INDEX_TYPE ?? 'FLAT') as MilvusIndexType;
assert.ok(MILVUS_INDEX_TYPES.includes(indexType), `MILVUS_INDEX_TYPE must be one of ${MILVUS_INDEX_TYPES.join(', ')}`);

const quiet: BackendLogger = { info: () => {}, warn: () => {}, error: () => {} };

function backend(at = address): MilvusBackend {
  return new MilvusBackend({ ...MILVUS_DEFAULTS, address: at, indexType, ivfNlist: 16, ivfNprobe: 16, logger: quiet });
}

describe('MilvusBackend', () => {
  it(`reaches a Milvus server at ${address}`, async () => {
    const probe = backend();
    try {
      await probe.connect();
    } catch (error) {
      // The backend's message already says how to start one.
      assert.fail(`No Milvus server answers at ${address}. ${(error as Error).message}`);
    } finally {
      await probe.close();
    }
  });

  it('says how to start Milvus when nothing answers', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const absent = backend('127.0.0.1:1');
    try {
      const error = await absent.count(uniqueSpace('text', 4)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof VectorStoreUnavailableError, `got ${String(error)}`);
      assert.match(error.message, /127\.0\.0\.1:1/);
      assert.match(error.message, /scripts\/milvus\.sh/);
      assert.equal(error.retryable, true);
    } finally {
      await absent.close();
    }
  });
});

vectorBackendContract(`milvus (${indexType}) at ${address}`, {
  open: async () => {
    const opened = backend();
    await opened.connect();
    return opened;
  },
});
