import { statfs } from 'node:fs/promises';

export interface VolumeUsage {
  /** min(configured budget, size of the volume). */
  capacityBytes: number;
  usedBytes: number;
  /** What a non-root writer can still get from the volume. */
  availableBytes: number;
}

export interface UsageMeter {
  measure(): Promise<VolumeUsage>;
}

/**
 * Usage is read from the volume (statfs), not summed from the catalog or kept as a running total:
 * it is O(1), survives restarts, agrees across replicas, counts what really fills the disk (the
 * databases too when they share it, which the 50 TB budget covers), and is what ENOSPC obeys.
 */
export class VolumeMeter implements UsageMeter {
  constructor(
    private readonly root: string,
    private readonly budgetBytes: number,
  ) {}

  async measure(): Promise<VolumeUsage> {
    const fs = await statfs(this.root);
    const total = fs.blocks * fs.bsize;
    const available = fs.bavail * fs.bsize;
    // Blocks reserved for root (ext4: 5% by default) count as used: a writer cannot have them.
    const used = total - available;
    return { capacityBytes: Math.min(this.budgetBytes, total), usedBytes: used, availableBytes: available };
  }
}
