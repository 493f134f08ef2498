import { hamming } from './fingerprint.js';

/** The catalog's row for a text: its id and the content hash it is stored under. */
export interface SettledArticle {
  articleId: number;
  contentHash: string;
}

interface Entry {
  url: string;
  contentHash: string;
  simhash: bigint;
  /** The catalog's answer for this text, or null if it was not stored. */
  settled: Promise<SettledArticle | null>;
}

/** A page's place in the run's claim order (see `FingerprintBook.turn`). */
export interface ClaimTurn {
  ready: () => Promise<void>;
  release: () => void;
}

export interface NearMatch {
  url: string;
  distance: number;
  settled: Promise<SettledArticle | null>;
}

/**
 * The texts seen in one run (every source of the command), for near-duplicate linking. It answers
 * for texts not stored yet (a copy met while its original is still being stored); texts of earlier
 * runs are found by the catalog's fingerprint index (ArticleService); see docs/scraper.md.
 */
export class FingerprintBook {
  private readonly entries: Entry[] = [];
  /** Turns handed out so far, the lowest turn not yet released, and the turns released early. */
  private issued = 0;
  private current = 0;
  private readonly released = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  /** `SCRAPER_NEAR_DUPLICATE_BITS`; 0 turns the catalog lookup off (see ArticleService). */
  constructor(readonly maxDistance: number) {}

  /**
   * A place in the run's order of pages. Pages are fetched concurrently, but they claim their texts
   * in the order they were taken up (the discovery order), so the page listed first is the original
   * and its syndicated copy the near-duplicate however the fetches finish. Take the turn when the
   * page's work starts (synchronously, in list order), await `ready()` before `claim`, and call
   * `release()` once claimed, or on any way out (it is idempotent): a turn never released would
   * hold every later page.
   */
  turn(): ClaimTurn {
    const number = this.issued++;
    let released = false;
    return {
      ready: () =>
        number <= this.current
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              this.waiting.set(number, resolve);
            }),
      release: () => {
        if (released) return;
        released = true;
        this.released.add(number);
        while (this.released.delete(this.current)) this.current++;
        const next = this.waiting.get(this.current);
        if (next) {
          this.waiting.delete(this.current);
          next();
        }
      },
    };
  }

  /**
   * Finds the closest earlier text within the distance and records this one, in one synchronous
   * step, so two pages processed at the same time cannot both miss each other.
   */
  claim(url: string, contentHash: string, simhash: bigint): { match: NearMatch | null; settle: (article: SettledArticle | null) => void } {
    let match: NearMatch | null = null;
    for (const entry of this.entries) {
      if (entry.contentHash === contentHash || entry.url === url) continue;
      const distance = hamming(entry.simhash, simhash);
      if (distance <= this.maxDistance && (match === null || distance < match.distance)) {
        match = { url: entry.url, distance, settled: entry.settled };
      }
    }
    let settle!: (article: SettledArticle | null) => void;
    const settled = new Promise<SettledArticle | null>((resolve) => {
      settle = resolve;
    });
    // Only originals are recorded: a third copy links to the original, never to a copy.
    if (match === null) this.entries.push({ url, contentHash, simhash, settled });
    else settle(null);
    return { match, settle };
  }
}
