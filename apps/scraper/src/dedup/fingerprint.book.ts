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

  /** `SCRAPER_NEAR_DUPLICATE_BITS`; 0 turns the catalog lookup off (see ArticleService). */
  constructor(readonly maxDistance: number) {}

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
