import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrendClusterV1 } from '#contracts';
import { baselineWithHistory, countTail, decide, normalTail, series, type BurstConfig } from '../src/burst.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const CONFIG: BurstConfig = { binSeconds: 3600, historyBins: 72, ewmaBins: 24, priorRate: 0.05, minArticles: 2, zEnter: 3.5, burstRatio: 3, burstCost: 4, peakDrop: 0.8, newWindowBins: 0 };

/** A cluster born at `bornMinute` of hour 0 with `hours[i]` articles in hour i (the last one the current bin). */
function cluster(hours: number[], bornMinute = 0): TrendClusterV1 {
  return {
    clusterId: 1,
    space: 's',
    memberCount: hours.reduce((a, b) => a + b, 0),
    mediaMemberCount: 0,
    category: null,
    firstSeenAt: new Date(T0 + bornMinute * 60_000).toISOString(),
    lastSeenAt: new Date(T0 + (hours.length - 1) * HOUR + 50 * 60_000).toISOString(),
    stage: 'new',
    stageAt: null,
    trendId: null,
    representativeArticleId: null,
    terms: [],
    mergedInto: null,
    bins: hours.map((articles, i) => ({ binStart: new Date(T0 + i * HOUR).toISOString(), articles })).filter((b) => b.articles > 0),
  };
}

const now = (hours: number[]) => T0 + (hours.length - 1) * HOUR + 50 * 60_000;

describe('burst detector', () => {
  it('counts tails exactly: Poisson with no history, wider with a short one', () => {
    let below = 0;
    let term = Math.exp(-3.4);
    for (let k = 0; k < 10; k++) {
      below += term;
      term *= 3.4 / (k + 1);
    }
    assert.ok(Math.abs(countTail(10, 3.4, 0) - (1 - below)) < 1e-12);
    // One bin of history at a rate of 1: negative binomial with r = 1, p = 1/2, i.e. geometric.
    assert.ok(Math.abs(countTail(5, 1, 1) - 0.5 ** 5) < 1e-12);
    assert.ok(countTail(8, 2, 3) > countTail(8, 2, 24));
    assert.ok(countTail(8, 2, 24) > countTail(8, 2, 0));
    assert.ok(Math.abs(normalTail(3.5) - 2.326e-4) < 1e-7);
  });

  it('keeps the bin a cluster was born in out of its history, and weighs a short history evenly', () => {
    const s = series(cluster([1, 3, 3, 3, 0], 50), now([1, 3, 3, 3, 0]), CONFIG);
    const { rate, bins } = baselineWithHistory(s, s.counts.length - 1, CONFIG);
    assert.ok(Math.abs(rate - 3) < 1e-9, `the three complete bins after the born one (${rate})`);
    assert.ok(Math.abs(bins - 3) < 0.05, `about three bins of evidence (${bins})`);
    const fresh = series(cluster([1, 0], 50), now([1, 0]), CONFIG);
    assert.deepEqual(baselineWithHistory(fresh, fresh.counts.length - 1, CONFIG), { rate: CONFIG.priorRate, bins: 0 });
  });

  it('does not call an ordinary Poisson spike of a small cluster a burst, but a rarer count is one', () => {
    const steady = Array.from({ length: 30 }, () => 1);
    // z = 5 on a rate of 1, but P(X >= 6) = 6e-4: dozens of clusters reach it by chance within days.
    assert.equal(decide(cluster([...steady, 6]), now([...steady, 6]), CONFIG), null);
    const burst = decide(cluster([...steady, 8]), now([...steady, 8]), CONFIG);
    assert.equal(burst?.toStage, 'emerging');
    assert.equal(burst?.count, 8);
  });

  it('judges a new topic’s first full hour against the prior, not against its first minutes', () => {
    // Born at :50 with 1 article, then 5 in its first full hour: a topic rising from nothing.
    const hours = [1, 5];
    const step = decide(cluster(hours, 50), now(hours), CONFIG);
    assert.equal(step?.toStage, 'emerging');
    assert.equal(step?.baseline, CONFIG.priorRate);
  });
});
