import type { SourceReport } from './run.types.js';

const KEEP = 50;

/**
 * The last source reports of this replica, newest last. Diagnostics only (tests read it; the
 * durable record is the catalog, the files and the logs): nothing here is needed by another replica.
 */
export class RunJournal {
  private readonly reports: SourceReport[] = [];

  add(report: SourceReport): void {
    this.reports.push(report);
    if (this.reports.length > KEEP) this.reports.splice(0, this.reports.length - KEEP);
  }

  recent(sourceId?: string): SourceReport[] {
    return this.reports.filter((r) => sourceId === undefined || r.sourceId === sourceId);
  }

  last(sourceId: string): SourceReport | undefined {
    return this.recent(sourceId).at(-1);
  }
}
