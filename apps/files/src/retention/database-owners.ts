import { CatalogStorageSizeV1, LoggerStorageSizeV1, VectorStorageSizeV1 } from '#contracts';
import type { RequestFn } from '#files-client';
import type { DatabaseOwner } from './database-sizes.js';

const CONTRACTS = { catalog: CatalogStorageSizeV1, logger: LoggerStorageSizeV1, vector: VectorStorageSizeV1 } as const;

/** The owners whose stores count against the cap, asked over NATS (`<owner>.storage.size.v1`). */
export function databaseOwners(names: readonly (keyof typeof CONTRACTS)[], request: RequestFn): DatabaseOwner[] {
  return names.map((name) => ({ name, ask: (timeoutMs) => request(CONTRACTS[name], {}, { timeoutMs }) }));
}
