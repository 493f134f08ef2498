import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ArticleEmbeddedV1 } from '#contracts';
import { waitFor } from '#testing';
import { trendConsumer, TrendHarness, type Dialect } from './trend.fixture.js';
import { CAMPING, HOUR, hourTimes, RATES, T0 } from './topics.fixture.js';

const ENV = {
  TREND_BIN_MINUTES: '60',
  TREND_NEW_WINDOW_HOURS: '0',
  TREND_PUBLISH_STAGES: 'emerging,peaking,fading',
  TREND_SIMILARITY_STANDIN: '0.3',
  // Steps here come from articles only; the sweep has its own test below.
  TREND_SWEEP_SECONDS: '0',
};

/**
 * Camping: 1 an hour for 6 hours, then 10, 12, 3, 1, 1 (emerging, -, peaking, fading); rates: 1 an
 * hour throughout. (After hours of 1, an hour of 6 is no burst: P(X >= 6) at a rate of 1 is 6e-4,
 * which a few dozen clusters reach by chance within days; the detector asks for 3.5-sigma rarity,
 * 2.3e-4, and takes 8 here.)
 */
const CAMPING_HOURS = [1, 1, 1, 1, 1, 1, 10, 12, 3, 1, 1];

async function drain(harness: TrendHarness, what: string): Promise<void> {
  await waitFor(what, async () => ((await harness.backlog()) === 0 ? true : null), 60_000, 50);
}

for (const dialect of ['sqlite', 'mariadb'] as Dialect[]) {
  describe(`trend stage on ${dialect}: lifecycle, redelivery, restart`, () => {
    let harness: TrendHarness;
    const published: ArticleEmbeddedV1[] = [];
    let n = 0;

    async function feed(hours: number[], topic: typeof CAMPING, offset = 0): Promise<void> {
      for (const [index, count] of hours.entries()) {
        for (const at of hourTimes(offset + index, count)) {
          const payload = await harness.store({ title: topic.title(n), text: topic.text(n), publishedAt: at, category: 'travel-food' });
          n++;
          published.push(payload);
          await harness.publish(payload);
        }
      }
    }

    before(async () => {
      // One message at a time, so the stream order is the event order the assertions reason about.
      harness = await TrendHarness.start({ dialect, trendEnv: ENV, bus: { consumers: trendConsumer(1), delivery: { backoff: ['100ms'] } } });
    });
    after(async () => harness?.close());

    it('takes a cluster through emerging, peaking and fading, and announces each step once', async () => {
      for (let hour = 0; hour < CAMPING_HOURS.length; hour++) {
        await feed([CAMPING_HOURS[hour]!], CAMPING, hour);
        await feed([1], RATES, hour);
      }
      await drain(harness, 'the stream processed');
      const transitions = await harness.transitions();
      assert.deepEqual(
        transitions.map((t) => `${t.fromStage}->${t.toStage}`),
        ['new->emerging', 'emerging->peaking', 'peaking->fading'],
      );
      assert.equal(new Set(transitions.map((t) => t.clusterId)).size, 1, 'one cluster went through the steps');
      const events = await harness.detected();
      assert.deepEqual(events.map((e) => e.payload.stage), ['emerging', 'peaking', 'fading']);
      const trendIds = new Set(events.map((e) => e.payload.trendId));
      assert.equal(trendIds.size, 1, 'one trend id for the whole lifecycle');
      const emerging = events[0]!.payload;
      assert.equal(Date.parse(emerging.windowEnd) - Date.parse(emerging.windowStart) >= 3_600_000, true);
      assert.ok(emerging.growth! > 2, `growth ${emerging.growth}`);
      assert.equal(emerging.textSource, 'template');
      assert.equal(emerging.category, 'travel-food');
      assert.ok(emerging.articleIds.length >= 6);
      // Korean labels without particles: 캠핑장으로 -> 캠핑장, 20~30대가 -> 20~30대.
      assert.ok(emerging.labelTerms!.some((t) => t.includes(CAMPING.keyword)), `labels ${emerging.labelTerms}`);
      for (const term of emerging.labelTerms!) assert.doesNotMatch(term, /(으로|가|이|을|를)$/u, `label ${term} keeps a particle`);
      assert.match(emerging.text, /캠핑/);
      assert.match(emerging.text, /급증/);
      const cluster = await harness.cluster(transitions[0]!.clusterId);
      assert.equal(cluster.stage, 'fading');
      assert.equal(cluster.trendId, emerging.trendId);
      assert.equal(cluster.memberCount, CAMPING_HOURS.reduce((a, b) => a + b, 0));
    });

    it('publishes nothing twice when every article comes again under new message ids', async () => {
      const before = await harness.detected();
      const transitionsBefore = await harness.transitions();
      for (const payload of published) await harness.publish(payload, `again:${payload.articleId}`);
      await drain(harness, 'the repeats processed');
      assert.equal((await harness.detected()).length, before.length);
      assert.deepEqual(await harness.transitions(), transitionsBefore);
      const cluster = await harness.cluster(transitionsBefore[0]!.clusterId);
      assert.equal(cluster.memberCount, CAMPING_HOURS.reduce((a, b) => a + b, 0));
    });

    it('keeps the trend id across a restart of the stage', async () => {
      const first = (await harness.detected())[0]!.payload;
      await harness.stopTrend();
      await harness.startTrend();
      // A second burst on the same topic after it faded (the first one is in its baseline now).
      await feed([1, 1, 14], CAMPING, 12);
      await drain(harness, 'the second burst processed');
      const events = await harness.detected();
      const last = events[events.length - 1]!.payload;
      assert.equal(last.stage, 'emerging');
      assert.equal(last.trendId, first.trendId);
      assert.equal(last.clusterId, first.clusterId);
    });
  });
}

describe('two replicas of the trend stage (MariaDB catalog)', () => {
  let harness: TrendHarness;

  before(async () => {
    harness = await TrendHarness.start({ dialect: 'mariadb', trendEnv: ENV, bus: { delivery: { backoff: ['100ms'] } } });
    await harness.startTrend();
  });
  after(async () => harness?.close());

  it('produce one set of trends: one cluster per topic, each step announced once', async () => {
    let n = 0;
    const payloads: ArticleEmbeddedV1[] = [];
    // Two topics, each steady for 4 hours and then bursting; published at once, so the replicas overlap.
    for (let hour = 0; hour < 6; hour++) {
      // 20 an hour: the replicas take the messages in no particular order, so a burst hour may be
      // judged half-counted, or after the next one (which then counts it in its baseline).
      const count = hour < 4 ? 1 : 20;
      for (const topic of [CAMPING, RATES]) {
        for (const at of hourTimes(hour, count)) payloads.push(await harness.store({ title: topic.title(n), text: topic.text(n), publishedAt: at }));
        n++;
      }
    }
    await Promise.all(payloads.map((p) => harness.publish(p)));
    await drain(harness, 'both replicas done');
    const transitions = await harness.transitions();
    const emerging = transitions.filter((t) => t.toStage === 'emerging');
    assert.equal(emerging.length, 2, `one emergence per topic: ${JSON.stringify(transitions)}`);
    assert.equal(new Set(emerging.map((t) => t.clusterId)).size, 2);
    const events = (await harness.detected()).filter((e) => e.payload.stage === 'emerging');
    assert.equal(events.length, 2);
    assert.equal(new Set(events.map((e) => e.payload.trendId)).size, 2);
    for (const t of emerging) assert.equal((await harness.cluster(t.clusterId)).memberCount, 4 + 40);
  });
});

for (const dialect of ['sqlite', 'mariadb'] as Dialect[]) {
  describe(`fading on a clock (${dialect})`, () => {
    let harness: TrendHarness;

    before(async () => {
      harness = await TrendHarness.start({ dialect, trendEnv: { ...ENV, TREND_SWEEP_SECONDS: '0.3' }, bus: { consumers: trendConsumer(1), delivery: { backoff: ['100ms'] } } });
    });
    after(async () => harness?.close());

    it('marks a quiet trend fading from the sweep, with no article of its cluster arriving', async () => {
      let n = 0;
      const feed = async (hour: number, count: number, topic: typeof CAMPING) => {
        for (const at of hourTimes(hour, count)) await harness.publish(await harness.store({ title: topic.title(n), text: topic.text(n++), publishedAt: at }));
      };
      // Camping: 1 an hour for 6 hours, then a burst of 10 and 12; then not one more camping article.
      const camping = [1, 1, 1, 1, 1, 1, 10, 12];
      for (let hour = 0; hour < 13; hour++) {
        if (hour < camping.length) await feed(hour, camping[hour]!, CAMPING);
        // Another topic keeps the stream (and the space's event clock) going.
        await feed(hour, 1, RATES);
        await drain(harness, `hour ${hour} processed`);
      }
      const fading = await waitFor(
        'the sweep marks camping fading',
        async () => (await harness.transitions()).find((t) => t.toStage === 'fading') ?? null,
        30_000,
        100,
      );
      const transitions = (await harness.transitions()).filter((t) => t.clusterId === fading.clusterId);
      assert.deepEqual(transitions.map((t) => `${t.fromStage}->${t.toStage}`), ['new->emerging', 'emerging->fading']);
      const cluster = await harness.cluster(fading.clusterId);
      assert.equal(cluster.stage, 'fading');
      // Its last article is of hour 7; the step was taken at a later hour of the clock.
      assert.ok(Date.parse(cluster.lastSeenAt) < T0 + 8 * HOUR, `last article ${cluster.lastSeenAt}`);
      assert.ok(Date.parse(fading.eventAt) >= T0 + 9 * HOUR, `faded at ${fading.eventAt}`);
      assert.ok(Date.parse(fading.eventAt) < T0 + 14 * HOUR, `faded at ${fading.eventAt}`);
      // Announced once, by the sweep (no causing message), though several sweeps ran since.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const events = (await harness.detected()).filter((e) => e.payload.clusterId === fading.clusterId && e.payload.stage === 'fading');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.causationId, null);
      assert.equal(fading.published, true);
      assert.match(events[0]!.payload.text, /감소세/);
    });
  });
}
