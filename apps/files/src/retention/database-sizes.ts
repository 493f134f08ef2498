import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { StorageSizeResponseV1 } from '#contracts';
import type { Logger } from 'winston';

/** Where a database's figure came from: its owner's answer now, its last answer, or nowhere yet. */
export type DatabaseSizeSource = 'reported' | 'last-known' | 'unknown';

export interface DatabaseSize {
  owner: string;
  /** All the owner's bytes (0 when unknown). */
  bytes: number;
  /** The part counted against the cap: what is not on the file root's volume (statfs counts that already). */
  countedBytes: number;
  source: DatabaseSizeSource;
  /** False when the owner said its figure is an estimate (Milvus), or when it is unknown. */
  exact: boolean;
  /** When the owner measured it; null when unknown. */
  measuredAt: string | null;
  /** Why the owner's answer is not fresh (timeout, no responder...). */
  problem?: string;
}

export interface DatabaseSizesReport {
  /** Sum of `countedBytes`: subtracted from the cap before the sweeper decides. */
  countedBytes: number;
  databases: DatabaseSize[];
  at: number;
}

export interface DatabaseOwner {
  /** `catalog`, `logger`, `vector`. */
  name: string;
  ask(timeoutMs: number): Promise<StorageSizeResponseV1>;
}

export interface DatabaseSizesOptions {
  /** The file root: parts on its volume (same host and device) are not counted twice. */
  root: string;
  /** Answers are reused for this long. */
  ttlMs: number;
  timeoutMs: number;
  /** Last known sizes survive a restart here (JSON); none when undefined. */
  stateFile?: string;
  now?: () => number;
}

interface Known {
  bytes: number;
  countedBytes: number;
  exact: boolean;
  measuredAt: string;
}

/**
 * The databases' share of the storage cap, as their owners report it over NATS
 * (`<owner>.storage.size.v1`), cached for `ttlMs`. An owner that does not answer counts with its
 * last known size (kept on disk across restarts), and the log says so; one never heard from is
 * `unknown`, logged as an error at every refresh and shown as such in files.usage.v1 and on
 * /metrics, never a silent zero.
 */
export class DatabaseSizes {
  private cached: DatabaseSizesReport | null = null;
  private refreshing: Promise<DatabaseSizesReport> | null = null;
  private known = new Map<string, Known>();
  private loaded = false;
  private rootDevice: string | null = null;
  private readonly now: () => number;

  constructor(
    private readonly owners: readonly DatabaseOwner[],
    private readonly options: DatabaseSizesOptions,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The cached report, or a fresh one when it is older than the TTL (concurrent callers share one refresh). */
  async current(): Promise<DatabaseSizesReport> {
    if (this.cached && this.now() - this.cached.at < this.options.ttlMs) return this.cached;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * For readers that must not wait on a slow owner (files.usage.v1, /metrics): the last report even
   * when stale, refreshing it in the background; only the very first call waits.
   */
  async latest(): Promise<DatabaseSizesReport> {
    if (!this.cached) return this.current();
    if (this.now() - this.cached.at >= this.options.ttlMs) void this.current().catch(() => undefined);
    return this.cached;
  }

  /** The last report without asking anyone (null before the first). */
  get last(): DatabaseSizesReport | null {
    return this.cached;
  }

  private async refresh(): Promise<DatabaseSizesReport> {
    await this.load();
    this.rootDevice ??= String((await stat(this.options.root)).dev);
    const databases = await Promise.all(this.owners.map((owner) => this.sizeOf(owner)));
    const report: DatabaseSizesReport = { countedBytes: databases.reduce((sum, d) => sum + d.countedBytes, 0), databases, at: this.now() };
    this.cached = report;
    if (databases.some((d) => d.source === 'reported')) await this.save();
    return report;
  }

  private async sizeOf(owner: DatabaseOwner): Promise<DatabaseSize> {
    let answer: StorageSizeResponseV1;
    try {
      answer = await owner.ask(this.options.timeoutMs);
    } catch (error) {
      const problem = (error as Error).message;
      const known = this.known.get(owner.name);
      if (known) {
        this.logger.warn(
          `retention: ${owner.name} did not report its storage size (${problem}); counting its last known size, ${known.countedBytes} bytes, measured ${known.measuredAt}`,
          { context: 'DatabaseSizes' },
        );
        return { owner: owner.name, ...known, source: 'last-known', problem };
      }
      this.logger.error(
        `retention: ${owner.name} did not report its storage size (${problem}) and none is known yet: its database is NOT counted against the cap until it answers`,
        { context: 'DatabaseSizes' },
      );
      return { owner: owner.name, bytes: 0, countedBytes: 0, source: 'unknown', exact: false, measuredAt: null, problem };
    }
    const host = hostname();
    // Parts on this volume are in the volume's own used figure already.
    const countedBytes = answer.parts.reduce(
      (sum, part) => (part.location && part.location.host === host && part.location.device === this.rootDevice ? sum : sum + part.bytes),
      0,
    );
    const known: Known = { bytes: answer.bytes, countedBytes, exact: answer.exact, measuredAt: answer.measuredAt };
    this.known.set(owner.name, known);
    return { owner: owner.name, ...known, source: 'reported' };
  }

  private async load(): Promise<void> {
    if (this.loaded || !this.options.stateFile) return;
    this.loaded = true;
    try {
      const saved = JSON.parse(await readFile(this.options.stateFile, 'utf8')) as Record<string, Known>;
      for (const [owner, size] of Object.entries(saved)) {
        if (typeof size?.bytes === 'number' && typeof size.countedBytes === 'number' && typeof size.measuredAt === 'string') {
          this.known.set(owner, { bytes: size.bytes, countedBytes: size.countedBytes, exact: size.exact === true, measuredAt: size.measuredAt });
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`retention: cannot read the last known database sizes in ${this.options.stateFile}: ${(error as Error).message}`, { context: 'DatabaseSizes' });
      }
    }
  }

  private async save(): Promise<void> {
    const file = this.options.stateFile;
    if (!file) return;
    try {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(Object.fromEntries(this.known), null, 2)}\n`);
      await rename(temp, file);
    } catch (error) {
      // Only the memory of a restart is lost; the figures of this process still count.
      this.logger.warn(`retention: cannot save the database sizes to ${file}: ${(error as Error).message}`, { context: 'DatabaseSizes' });
    }
  }
}
