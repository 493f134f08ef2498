import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '#ops';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

// The transport's figures are counted in plain numbers and exposed at scrape time; Prometheus must
// see exactly what prom-client's own Counter, Histogram and Gauge would show for the same calls.
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const NAMES = ['pipeline_messages_total', 'pipeline_handler_duration_seconds', 'pipeline_handler_in_flight'];

function reference(app: string): { registry: Registry; started(h: string): void; finished(h: string, s: string, o: string, sec: number): void } {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  const messages = new Counter({ name: NAMES[0]!, help: 'x', labelNames: ['handler', 'subject', 'outcome'], registers: [registry] });
  const seconds = new Histogram({ name: NAMES[1]!, help: 'x', labelNames: ['handler', 'subject'], buckets: BUCKETS, registers: [registry] });
  const inFlight = new Gauge({ name: NAMES[2]!, help: 'x', labelNames: ['handler'], registers: [registry] });
  return {
    registry,
    started: (handler) => inFlight.inc({ handler }),
    finished: (handler, subject, outcome, sec) => {
      inFlight.dec({ handler });
      messages.inc({ handler, subject, outcome });
      seconds.observe({ handler, subject }, sec);
    },
  };
}

/** The samples of our metrics, one `name{label="v",...} value` per line with labels sorted, sorted. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => NAMES.some((name) => line.startsWith(name)))
    .map((line) => {
      const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, line);
      const labels = (match[2] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean).sort().join(',');
      return `${match[1]}{${labels}} ${Number(match[3])}`;
    })
    .sort();
}

describe('MetricsRegistry handler figures', () => {
  it('expose the same series and values as prom-client fed the same calls', async () => {
    const ours = new MetricsRegistry('probe');
    const theirs = reference('probe');
    // Bucket bounds exactly, between them, above the last; two handlers, one of them on two subjects
    // (a wildcard consumer), every outcome, and a handler still running at scrape time.
    const calls: [string, string, 'handled' | 'retried' | 'dead-lettered', number][] = [
      ['A.on', 'pipeline.a.v1', 'handled', 0.001],
      ['A.on', 'pipeline.a.v1', 'handled', 0.0003],
      ['A.on', 'pipeline.a.v1', 'retried', 0.005],
      ['A.on', 'pipeline.a.v1', 'handled', 0.0051],
      ['A.on', 'pipeline.b.v1', 'dead-lettered', 2.5],
      ['B.on', 'pipeline.c.v1', 'handled', 300],
      ['B.on', 'pipeline.c.v1', 'handled', 450.5],
      ['B.on', 'pipeline.c.v1', 'retried', 0.25],
    ];
    for (const [handler, subject, outcome, sec] of calls) {
      for (const side of [ours, theirs]) {
        side === ours ? ours.handlerStarted(handler) : theirs.started(handler);
        side === ours ? ours.handlerFinished(handler, subject, outcome, sec) : theirs.finished(handler, subject, outcome, sec);
      }
    }
    ours.handlerStarted('B.on');
    theirs.started('B.on');
    const expected = samples(await theirs.registry.metrics());
    assert.equal(expected.length, 3 * 18 + 5 + 2, 'the reference: 3 histogram series of 18 samples, 5 counter series, 2 gauges');
    assert.deepEqual(samples(await ours.metrics()), expected);
    // Scraping twice changes nothing (the counters are rebuilt, not added again).
    assert.deepEqual(samples(await ours.metrics()), expected);
  });

  it('shows no handler series before the first message', async () => {
    assert.deepEqual(samples(await new MetricsRegistry('idle').metrics()), []);
  });
});
