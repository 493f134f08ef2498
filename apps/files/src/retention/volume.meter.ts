import { statfs } from 'node:fs/promises';
import type { DatabaseSize, DatabaseSizesReport } from './database-sizes.js';

export interface VolumeUsage {
  /** What the files may fill: min(budget minus the databases, size of the volume), never below 0. */
  capacityBytes: number;
  usedBytes: number;
  /** What a non-root writer can still get from the volume. */
  availableBytes: number;
  /** FILES_CAPACITY_BYTES: the cap for files and databases together. */
  budgetBytes?: number;
  /** The databases' bytes subtracted from the budget (those not on this volume). */
  databaseBytes?: number;
  databases?: DatabaseSize[];
}

export interface UsageMeter {
  measure(): Promise<VolumeUsage>;
}

/**
 * Usage is read from the volume (statfs), not summed from the catalog or kept as a running total:
 * it is O(1), survives restarts, agrees across replicas, counts what really fills the disk, and is
 * what ENOSPC obeys. The cap covers files and databases together: the databases' sizes, as their
 * owners report them (see DatabaseSizes), are subtracted from the budget first; a database whose
 * files sit on this volume is in statfs's figure already and is not subtracted again.
 */
export class VolumeMeter implements UsageMeter {
  constructor(
    private readonly root: string,
    private readonly budgetBytes: number,
    private readonly databases?: { current(): Promise<DatabaseSizesReport> },
  ) {}

  async measure(): Promise<VolumeUsage> {
    const fs = await statfs(this.root);
    const total = fs.blocks * fs.bsize;
    const available = fs.bavail * fs.bsize;
    // Blocks reserved for root (ext4: 5% by default) count as used: a writer cannot have them.
    const used = total - available;
    if (!this.databases) return { capacityBytes: Math.min(this.budgetBytes, total), usedBytes: used, availableBytes: available, budgetBytes: this.budgetBytes };
    const report = await this.databases.current();
    return {
      capacityBytes: Math.max(0, Math.min(this.budgetBytes - report.countedBytes, total)),
      usedBytes: used,
      availableBytes: available,
      budgetBytes: this.budgetBytes,
      databaseBytes: report.countedBytes,
      databases: report.databases,
    };
  }
}
