const REMEMBERED = 10_000;

/**
 * Which articles this replica is finishing right now, and which it announced lately. Two runs of
 * one replica often meet the same page (an RSS feed and a sitemap of one site, scheduled in the
 * same minute); the second waits for the first and then finds the article announced, instead of
 * announcing it again under its own command. Across replicas the catalog's row and the stored text
 * decide (ArticleService.shouldResume); this only closes the common same-replica case.
 */
export class ArticleClaims {
  private readonly busy = new Map<number, Promise<void>>();
  private readonly announced = new Set<number>();

  wasAnnounced(articleId: number): boolean {
    return this.announced.has(articleId);
  }

  announce(articleId: number): void {
    this.announced.delete(articleId);
    this.announced.add(articleId);
    if (this.announced.size > REMEMBERED) this.announced.delete(this.announced.values().next().value!);
  }

  /** Runs `work` when no other run of this replica is working on the article. */
  async exclusive<T>(articleId: number, work: () => Promise<T>): Promise<T> {
    for (let current = this.busy.get(articleId); current; current = this.busy.get(articleId)) await current;
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.busy.set(articleId, done);
    try {
      return await work();
    } finally {
      this.busy.delete(articleId);
      release();
    }
  }
}
