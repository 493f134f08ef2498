import type { Logger } from 'winston';
import { parseKey } from '../storage/key-layout.js';
import type { UsageMeter, VolumeUsage } from './volume.meter.js';

export type PurgeReason = 'published' | 'age';

export interface RetentionCandidate {
  key: string;
  bytes: number;
  reason: PurgeReason;
}

/** Everything the sweeper does to the world, so it can be tested with fakes. */
export interface RetentionPorts {
  meter: UsageMeter;
  /** catalog.retention.plan.v1: candidates in eviction order, holds and unpublished videos excluded. */
  plan(request: { bytesToFree: number; minAgeSeconds: number; limit: number }): Promise<{ candidates: RetentionCandidate[] }>;
  /** Deletes the file; null when it was already gone. */
  remove(key: string): Promise<{ bytes: number } | null>;
  /** catalog.file.purged.v1: the row stays, marked purged. */
  reportPurged(purge: { key: string; reason: PurgeReason; purgedAt: string }): Promise<void>;
  /** pipeline.file.purged.v1 */
  publishPurged(purge: { key: string; bytes: number; reason: PurgeReason; purgedAt: string }): Promise<void>;
}

export interface RetentionPolicy {
  highWatermark: number;
  lowWatermark: number;
  minAgeSeconds: number;
  batch: number;
  intervalMs: number;
  /** Bounds one sweep; the next interval continues. */
  maxRounds?: number;
}

export interface SweepReport {
  startedAt: string;
  finishedAt: string | null;
  purgedFiles: number;
  purgedBytes: number;
  refused: number;
  outcome: string;
}

/**
 * Frees space when the volume is above the high watermark, down to the low one. It never chooses
 * what to delete: the catalog's plan does (published videos first, then the oldest scraped files
 * past the minimum age; never held files or unpublished generated videos). It only refuses a plan
 * that would delete under `generated/` for any reason but publication.
 */
export class RetentionSweeper {
  private running: Promise<SweepReport> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private last: SweepReport | null = null;

  constructor(
    private readonly ports: RetentionPorts,
    private readonly policy: RetentionPolicy,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.trigger('interval'), this.policy.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.again = false;
    await this.running?.catch(() => undefined);
  }

  get sweeping(): boolean {
    return this.running !== null;
  }

  get lastSweep(): SweepReport | null {
    return this.last;
  }

  /** Starts a sweep unless one runs; a trigger during a sweep runs one more after it. */
  trigger(why: string): Promise<SweepReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.sweep(why)
      .catch((error: unknown): SweepReport => {
        this.logger.error(`retention sweep (${why}) failed: ${(error as Error).stack ?? String(error)}`, { context: 'RetentionSweeper' });
        return { startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), purgedFiles: 0, purgedBytes: 0, refused: 0, outcome: `failed: ${(error as Error).message}` };
      })
      .then((report) => {
        this.last = report;
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.trigger(`${why}, again`);
        }
        return report;
      });
    return this.running;
  }

  async sweep(why: string): Promise<SweepReport> {
    const report: SweepReport = { startedAt: new Date().toISOString(), finishedAt: null, purgedFiles: 0, purgedBytes: 0, refused: 0, outcome: '' };
    this.last = report;
    const first = await this.ports.meter.measure();
    const high = first.capacityBytes * this.policy.highWatermark;
    const low = first.capacityBytes * this.policy.lowWatermark;
    if (first.usedBytes <= high) {
      report.outcome = `below the high watermark (${percent(first.usedBytes, first.capacityBytes)} used)`;
      return this.finish(report);
    }
    if (first.databaseBytes !== undefined && first.budgetBytes !== undefined && first.capacityBytes === 0) {
      this.logger.error(`retention: the databases alone (${first.databaseBytes} bytes) fill the cap of ${first.budgetBytes} bytes; every evictable file goes`, {
        context: 'RetentionSweeper',
      });
    }
    this.logger.warn(
      `${percent(first.usedBytes, first.capacityBytes)} of ${first.capacityBytes} bytes used (${why})${describeCap(first)}: sweeping down to ${percent(low, first.capacityBytes)}`,
      { context: 'RetentionSweeper' },
    );
    // statfs may lag behind unlink (blocks return to the free count at journal commit); trust
    // whichever of the measured and the counted figure is lower.
    const usedNow = async (): Promise<number> => Math.min((await this.ports.meter.measure()).usedBytes, first.usedBytes - report.purgedBytes);
    const maxRounds = this.policy.maxRounds ?? 100;
    for (let round = 1; round <= maxRounds; round++) {
      const used = await usedNow();
      if (used <= low) {
        report.outcome = `done: ${percent(used, first.capacityBytes)} used`;
        return this.finish(report);
      }
      const plan = await this.ports.plan({ bytesToFree: Math.ceil(used - low), minAgeSeconds: this.policy.minAgeSeconds, limit: this.policy.batch });
      if (plan.candidates.length === 0) {
        report.outcome = `stopped: nothing evictable, ${Math.ceil(used - low)} bytes above the low watermark (held files and unpublished videos stay)`;
        this.logger.error(`retention: ${report.outcome}`, { context: 'RetentionSweeper' });
        return this.finish(report);
      }
      let progress = 0;
      for (const candidate of plan.candidates) {
        if ((await usedNow()) <= low) break;
        if (await this.purge(candidate, report)) progress++;
      }
      if (progress === 0) {
        report.outcome = `stopped: the catalog's plan had nothing this service may delete (${report.refused} refused)`;
        this.logger.error(`retention: ${report.outcome}`, { context: 'RetentionSweeper' });
        return this.finish(report);
      }
    }
    report.outcome = `paused after ${maxRounds} rounds; the next interval continues`;
    return this.finish(report);
  }

  private async purge(candidate: RetentionCandidate, report: SweepReport): Promise<boolean> {
    const refusal = this.refusal(candidate);
    if (refusal) {
      report.refused++;
      this.logger.error(`retention: refusing to purge ${candidate.key}: ${refusal}`, { context: 'RetentionSweeper' });
      return false;
    }
    let removed: { bytes: number } | null;
    try {
      removed = await this.ports.remove(candidate.key);
    } catch (error) {
      report.refused++;
      this.logger.error(`retention: cannot delete ${candidate.key}: ${(error as Error).message}`, { context: 'RetentionSweeper' });
      return false;
    }
    const purgedAt = new Date().toISOString();
    // Reported even when the file was already gone, so the catalog stops planning it.
    await this.ports.reportPurged({ key: candidate.key, reason: candidate.reason, purgedAt });
    const bytes = removed?.bytes ?? 0;
    await this.ports.publishPurged({ key: candidate.key, bytes, reason: candidate.reason, purgedAt });
    report.purgedFiles++;
    report.purgedBytes += bytes;
    this.logger.info(`retention: purged ${candidate.key} (${bytes} bytes, ${candidate.reason})`, { context: 'RetentionSweeper' });
    return true;
  }

  private refusal(candidate: RetentionCandidate): string | null {
    let owner;
    try {
      owner = parseKey(candidate.key).owner;
    } catch (error) {
      return (error as Error).message;
    }
    if (owner === 'story' && candidate.reason !== 'published') {
      return `files under generated/ go only once published (the plan said "${candidate.reason}")`;
    }
    return null;
  }

  private finish(report: SweepReport): SweepReport {
    report.finishedAt = new Date().toISOString();
    if (report.purgedFiles > 0) {
      this.logger.info(`retention: ${report.outcome}; purged ${report.purgedFiles} files, ${report.purgedBytes} bytes`, { context: 'RetentionSweeper' });
    }
    return report;
  }
}

function percent(part: number, whole: number): string {
  if (whole <= 0) return part > 0 ? 'over the cap' : '0%';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** `; cap 50e12 minus databases 3e12 (catalog 2e12, vector 1e12 last known)`, when the databases count. */
function describeCap(usage: VolumeUsage): string {
  if (usage.budgetBytes === undefined || usage.databaseBytes === undefined) return '';
  const each = (usage.databases ?? []).map((d) => `${d.owner} ${d.countedBytes}${d.source === 'reported' ? '' : ` ${d.source}`}`).join(', ');
  return `; the cap of ${usage.budgetBytes} bytes minus ${usage.databaseBytes} bytes of databases${each ? ` (${each})` : ''}`;
}
