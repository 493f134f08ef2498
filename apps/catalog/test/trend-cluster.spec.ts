import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '#logging';
import { CatalogError } from '../src/catalog.errors.js';
import { CategoryRepository } from '../src/repositories/category.repository.js';
import { ExternalTrendService } from '../src/external-trend.service.js';
import { mergeTerms, TrendClusterService } from '../src/trend-cluster.service.js';
import { articleRequest, DIALECTS, hex64, Replica, TestDatabase } from './catalog-fixture.js';

const logger = createLogger({ app: 'catalog-test', level: 'error' });
const SPACE = { name: 'text__test__8', dim: 8 };

function unit(...v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const A = unit(1, 0.1, 0, 0, 0, 0, 0, 0);
const B = unit(0, 0, 1, 0.1, 0, 0, 0, 0);

function assignRequest(articleId: number, vector: number[], at: string) {
  return {
    articleId,
    space: SPACE,
    vector,
    eventAt: at,
    category: 'economy',
    hasMedia: false,
    terms: [{ term: '금리', weight: 1 }],
    threshold: 0.8,
    mergeThreshold: 0.95,
    binSeconds: 3600,
    liveSeconds: 7 * 86_400,
    historyBins: 24,
  };
}

for (const dialect of DIALECTS) {
  describe(`trend clusters in the catalog (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let one: Replica;
    let two: Replica;
    let s1: TrendClusterService;
    let s2: TrendClusterService;
    const ids: number[] = [];

    before(async () => {
      one = await Replica.open(db);
      two = await Replica.open(db);
      s1 = new TrendClusterService(one.dataSource, new CategoryRepository(one.dataSource), logger);
      // SQLite is one catalog process per file: its second "replica" is the same service. MariaDB
      // gets two services on two connection pools, as two catalog pods would be.
      s2 = dialect === 'sqlite' ? s1 : new TrendClusterService(two.dataSource, new CategoryRepository(two.dataSource), logger);
      for (let n = 0; n < 40; n++) ids.push((await one.catalog.upsertArticle(articleRequest(9000 + n, { contentHash: hex64(`tc-${dialect}-${n}`) }))).articleId);
    });
    after(async () => {
      await one?.close();
      await two?.close();
      await db.drop();
    });

    it('opens a cluster, puts a similar article into it and a different one into another, counting bins', async () => {
      const first = await s1.assign(assignRequest(ids[0]!, A, '2026-05-01T10:05:00Z'));
      assert.equal(first.created, true);
      const second = await s1.assign(assignRequest(ids[1]!, unit(1, 0.2, 0, 0, 0, 0, 0, 0), '2026-05-01T10:35:00Z'));
      assert.equal(second.created, false);
      assert.equal(second.cluster.clusterId, first.cluster.clusterId);
      assert.equal(second.cluster.memberCount, 2);
      assert.deepEqual(second.cluster.bins, [{ binStart: '2026-05-01T10:00:00.000Z', articles: 2 }]);
      assert.deepEqual(second.cluster.terms, [['금리', 2]]);
      assert.equal(second.cluster.category, 'economy');
      const other = await s1.assign(assignRequest(ids[2]!, B, '2026-05-01T11:05:00Z'));
      assert.equal(other.created, true);
      assert.notEqual(other.cluster.clusterId, first.cluster.clusterId);
    });

    it('answers a repeat with the first assignment and changes nothing', async () => {
      const again = await s2.assign(assignRequest(ids[1]!, B, '2026-05-01T12:00:00Z'));
      assert.equal(again.duplicate, true);
      assert.equal(again.cluster.memberCount, 2);
      assert.equal(await one.count('trend_member'), 3);
    });

    it('replicas assigning a new topic at once open one cluster (serialized)', async () => {
      const C = unit(0, 0, 0, 0, 1, 0.1, 0, 0);
      const results = await Promise.all(
        ids.slice(3, 23).map((id, i) => (i % 2 ? s1 : s2).assign(assignRequest(id, unit(0, 0, 0, 0, 1, 0.1 + (i % 5) * 0.01, 0, 0), `2026-05-01T13:${String(i).padStart(2, '0')}:00Z`))),
      );
      assert.equal(new Set(results.map((r) => r.cluster.clusterId)).size, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      const cluster = await s1.cluster(results[0]!.cluster.clusterId, 24, 3600);
      assert.equal(cluster.memberCount, 20);
      assert.deepEqual(cluster.bins.map((b) => b.articles), [20]);
      void C;
    });

    it('records a lifecycle step once (compare-and-set), with one stable trend row', async () => {
      const clusterId = (await s1.assign(assignRequest(ids[23]!, A, '2026-05-01T14:10:00Z'))).cluster.clusterId;
      const step = {
        clusterId,
        fromStage: 'new' as const,
        toStage: 'emerging' as const,
        binStart: '2026-05-01T14:00:00Z',
        eventAt: '2026-05-01T14:10:00Z',
        score: 4.2,
        growth: 5,
        windowStart: '2026-05-01T13:00:00Z',
        windowEnd: '2026-05-01T15:00:00Z',
        text: '금리 관련 보도 급증\n"기사" 등 기사 3건',
        detector: 'trend-stage:template',
        maxArticles: 10,
      };
      const [a, b] = await Promise.all([s1.transition(step), s2.transition(step)]);
      assert.equal([a, b].filter((r) => r.applied).length, 1);
      assert.equal(a.transition!.transitionId, b.transition!.transitionId);
      assert.deepEqual(new Set(a.transition!.articleIds), new Set([ids[0], ids[1], ids[23]]));
      const stale = await s2.transition({ ...step, binStart: '2026-05-01T15:00:00Z' });
      assert.equal(stale.applied, false);
      assert.equal(stale.transition, null);
      assert.equal(stale.stage, 'emerging');
      const peak = await s2.transition({ ...step, fromStage: 'emerging', toStage: 'peaking', binStart: '2026-05-01T16:00:00Z' });
      assert.equal(peak.applied, true);
      assert.equal(peak.transition!.trendId, a.transition!.trendId, 'one trend row per cluster');
      assert.equal(await one.count('trend', `id = ${a.transition!.trendId}`), 1);
      assert.equal(await one.count('trend_article', `trend_id = ${a.transition!.trendId}`), 3);
      await s1.markPublished(peak.transition!.transitionId, 'evt-1', '2026-05-01T16:10:00Z');
      const repeat = await s1.transition({ ...step, fromStage: 'emerging', toStage: 'peaking', binStart: '2026-05-01T16:00:00Z' });
      assert.equal(repeat.transition!.published, true);
    });

    it('refuses an unknown article and a vector of the wrong length', async () => {
      await assert.rejects(s1.assign(assignRequest(999_999, A, '2026-05-01T10:00:00Z')), (e: unknown) => e instanceof CatalogError && e.code === 'not-found');
      await assert.rejects(s1.assign({ ...assignRequest(ids[30]!, A, '2026-05-01T10:00:00Z'), vector: [1, 0] }), (e: unknown) => e instanceof CatalogError && e.code === 'invalid');
    });

    it('assigns a batch in order, answers repeats and unknown articles per item', async () => {
      const space = { name: 'text__batch__8', dim: 8 };
      const fresh: number[] = [];
      for (let n = 0; n < 4; n++) fresh.push((await one.catalog.upsertArticle(articleRequest(9400 + n, { contentHash: hex64(`tb-${dialect}-${n}`) }))).articleId);
      const item = (articleId: number, vector: number[], eventAt: string) => ({ articleId, vector, eventAt, category: 'economy', hasMedia: false, terms: [{ term: '반도체', weight: 1 }] });
      const base = { space, threshold: 0.8, mergeThreshold: 0.95, splitMinMembers: 5, binSeconds: 3600, liveSeconds: 7 * 86_400, historyBins: 24 };
      const answer = await s1.assignBatch({
        ...base,
        items: [item(fresh[0]!, A, '2026-05-02T10:05:00Z'), item(fresh[1]!, A, '2026-05-02T10:06:00Z'), item(999_998, A, '2026-05-02T10:07:00Z'), item(fresh[2]!, B, '2026-05-02T11:07:00Z'), item(fresh[0]!, B, '2026-05-02T11:08:00Z')],
      });
      const [a0, a1, unknown, b2, repeat] = answer.results;
      assert.equal(a0!.created, true);
      assert.equal(a1!.clusterId, a0!.clusterId, 'the second article sees the cluster the first opened in the same batch');
      assert.equal(unknown!.notFound, true);
      assert.equal(b2!.created, true);
      assert.equal(repeat!.duplicate, true);
      assert.equal(repeat!.clusterId, a0!.clusterId);
      const cluster = answer.clusters.find((c) => c.clusterId === a0!.clusterId)!;
      assert.equal(cluster.memberCount, 2);
      assert.deepEqual(cluster.bins, [{ binStart: '2026-05-02T10:00:00.000Z', articles: 2 }]);
      // The same batch again changes nothing.
      const again = await s2.assignBatch({ ...base, items: [item(fresh[0]!, A, '2026-05-02T10:05:00Z'), item(fresh[1]!, A, '2026-05-02T10:06:00Z')] });
      assert.deepEqual(again.results.map((r) => r.duplicate), [true, true]);
      assert.equal(again.clusters[0]!.memberCount, 2);
    });

    it('records a split as an edge: the part that drifted away gets a new id, the cluster keeps its own', async () => {
      const space = { name: 'text__split__8', dim: 8 };
      const fresh: number[] = [];
      for (let n = 0; n < 9; n++) fresh.push((await one.catalog.upsertArticle(articleRequest(9500 + n, { contentHash: hex64(`ts-${dialect}-${n}`) }))).articleId);
      // U: one direction; W: 0.4 from it, close enough to join the cluster (0.3), far enough to split (0.55).
      const u = (i: number) => unit(0, 0, 0, 0, 0, 0, 1, 0.03 * i);
      const w = (i: number) => unit(0, 0, 0, 0, 0.03 * i, 0, 0.4, 0.917);
      const item = (articleId: number, vector: number[], minute: number) => ({ articleId, vector, eventAt: `2026-05-03T10:${String(minute).padStart(2, '0')}:00Z`, category: 'economy', hasMedia: false, terms: [{ term: minute < 10 ? '금리' : '환율', weight: 1 }] });
      const base = { space, threshold: 0.3, mergeThreshold: 0.95, splitThreshold: 0.55, splitMinMembers: 3, binSeconds: 3600, liveSeconds: 7 * 86_400, historyBins: 24 };
      const first = await s1.assignBatch({ ...base, items: [0, 1, 2, 3].map((i) => item(fresh[i]!, u(i), i)) });
      const original = first.results[0]!.clusterId!;
      assert.deepEqual(first.results.map((r) => r.clusterId), [original, original, original, original]);
      // Two W articles one at a time (stored as the second part), then two in one batch: the split.
      for (const i of [4, 5]) {
        const r = (await s2.assignBatch({ ...base, items: [item(fresh[i]!, w(i), 10 + i)] })).results[0]!;
        assert.equal(r.clusterId, original, 'W joins the cluster while it is small');
        assert.equal(r.splitOff, null);
      }
      const batch = await s1.assignBatch({ ...base, items: [item(fresh[6]!, w(6), 16), item(fresh[7]!, w(7), 17)] });
      const [splitting, after] = batch.results;
      assert.ok(splitting!.splitOff !== null, 'the third W article splits the cluster');
      const splitOff = splitting!.splitOff!;
      assert.ok(splitOff > original, 'the split-off part gets a new id; the old one is kept');
      assert.equal(splitting!.clusterId, splitOff, 'the article that split it belongs to the new part');
      assert.equal(after!.clusterId, splitOff, 'later W articles join the new cluster');
      const old = await s1.cluster(original, 24, 3600);
      const split = await s1.cluster(splitOff, 24, 3600);
      assert.equal(old.memberCount, 4);
      assert.equal(split.memberCount, 4);
      assert.deepEqual(old.bins.map((b) => b.articles), [4]);
      assert.deepEqual(split.bins.map((b) => b.articles), [4]);
      assert.equal(split.terms[0]![0], '환율', 'the new part keeps its own terms');
      assert.equal(old.terms[0]![0], '금리');
      assert.equal(await one.count('trend_member', `cluster_id = ${splitOff}`), 4, 'the W members moved, those stored before the batch too');
      assert.equal(await one.count('trend_member', `cluster_id = ${original}`), 4);
      assert.equal(await one.count('trend_edge', `kind = 'split' AND from_cluster_id = ${original} AND to_cluster_id = ${splitOff}`), 1);
      // A U article still joins the original id.
      const later = await s2.assignBatch({ ...base, items: [item(fresh[8]!, u(8), 30)] });
      assert.equal(later.results[0]!.clusterId, original);
    });

    it('moves the counts of a merged cluster to the cluster it joined (its baseline is the whole history)', async () => {
      // X opens at e1; Y at 0.857 from it (under the threshold 0.9) gets two articles an hour later;
      // an article that reaches both joins X, whose centroid is then 0.90 from Y's: Y merges into X.
      const near = unit(1, 0.6, 0, 0, 0, 0, 0, 0);
      const between = unit(1, 0.2, 0, 0, 0, 0, 0, 0);
      const e1 = unit(1, 0, 0, 0, 0, 0, 0, 0);
      const base = { threshold: 0.9, mergeThreshold: 0.85, splitMinMembers: 5, binSeconds: 3600, liveSeconds: 7 * 86_400, historyBins: 24 };
      const item = (articleId: number, vector: number[], eventAt: string) => ({ articleId, vector, eventAt, category: 'economy', hasMedia: false, terms: [{ term: '금리', weight: 1 }] });
      for (const [k, oneBatch] of [[0, false], [1, true]] as const) {
        const space = { name: `text__merge${k}__8`, dim: 8 };
        const fresh: number[] = [];
        for (let n = 0; n < 4; n++) fresh.push((await one.catalog.upsertArticle(articleRequest(9600 + 10 * k + n, { contentHash: hex64(`tm-${dialect}-${k}-${n}`) }))).articleId);
        const items = [item(fresh[0]!, e1, '2026-05-04T10:05:00Z'), item(fresh[1]!, near, '2026-05-04T11:05:00Z'), item(fresh[2]!, near, '2026-05-04T11:10:00Z'), item(fresh[3]!, between, '2026-05-04T12:05:00Z')];
        const results = oneBatch ? (await s1.assignBatch({ ...base, space, items })).results : await (async () => {
          const out = [];
          for (const [i, it] of items.entries()) out.push((await (i % 2 ? s2 : s1).assignBatch({ ...base, space, items: [it] })).results[0]!);
          return out;
        })();
        const [x, y] = [results[0]!.clusterId!, results[1]!.clusterId!];
        assert.notEqual(x, y, 'two clusters at first');
        assert.equal(results[2]!.clusterId, y);
        assert.equal(results[3]!.clusterId, x, 'the article between them joins the older cluster');
        assert.equal(results[3]!.mergedFrom, y, 'and merges the younger one into it');
        const kept = await s1.cluster(x, 24, 3600);
        assert.deepEqual(kept.bins, [
          { binStart: '2026-05-04T10:00:00.000Z', articles: 1 },
          { binStart: '2026-05-04T11:00:00.000Z', articles: 2 },
          { binStart: '2026-05-04T12:00:00.000Z', articles: 1 },
        ], `the merged cluster's bins moved along (${oneBatch ? 'one batch' : 'one at a time'})`);
        assert.equal(kept.memberCount, 4);
        assert.deepEqual((await s1.cluster(y, 24, 3600)).bins.filter((b) => b.articles > 0), [], 'the merged cluster keeps no counts');
        assert.equal(await one.count('trend_edge', `kind = 'merge' AND from_cluster_id = ${y} AND to_cluster_id = ${x}`), 1);
      }
    });

    it('records an external snapshot once, with its items', async () => {
      const external = new ExternalTrendService(one.dataSource);
      const snapshot = { source: 'google-trends-rss', region: 'KR', fetchedAt: '2026-05-01T12:00:00.000Z', status: 'ok' as const, error: null, standIn: true, items: [{ position: 0, term: '캠핑', traffic: '200+', trafficMin: 200, ratio: null, startedAt: null, detail: { news: [] } }] };
      const [x, y] = await Promise.all([external.record(snapshot), new ExternalTrendService(two.dataSource).record(snapshot)]);
      assert.equal(x.snapshotId, y.snapshotId);
      const listed = await external.list('2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z', undefined, 10);
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.items.length, 1);
      assert.deepEqual(listed[0]!.items[0]!.detail, { news: [] });
    });
  });
}

describe('cluster terms', () => {
  it('counts documents per term and lets new terms in when the list is full (Space-Saving)', () => {
    let terms: [string, number][] = [];
    for (let i = 0; i < 128; i++) terms = mergeTerms(terms, [{ term: `t${i}` }]);
    for (let i = 0; i < 3; i++) terms = mergeTerms(terms, [{ term: 'new' }]);
    assert.equal(terms.length, 128);
    assert.equal(terms[0]![0], 'new');
    assert.equal(terms[0]![1], 4);
  });
});
