import type { HandlerOutcome } from '#messaging';

/**
 * One handler's figures for one subject in plain numbers. `handlerFinished` runs once per consumed
 * message; through prom-client's labelled API it cost about 1 µs a message (a label object, its
 * validation and a hash string per metric), 5 % of the transport's consume CPU. Here the series is
 * looked up once per message and updated with a few additions; prom-client reads it at scrape time.
 */
export class SubjectSeries {
  readonly outcomes: Record<HandlerOutcome, number> = { handled: 0, retried: 0, 'dead-lettered': 0 };
  /** Observations per bucket, not cumulative; the last slot counts those above the highest bound. */
  readonly buckets: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly handler: string,
    readonly subject: string,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    // prom-client's rule: a value goes in the first bucket whose bound is >= the value.
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    this.buckets[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

/** A handler's in-flight count and its series per subject (a wildcard consumer sees many). */
export class HandlerSeries {
  inFlight = 0;
  readonly subjects = new Map<string, SubjectSeries>();

  constructor(
    readonly handler: string,
    private readonly bounds: readonly number[],
  ) {}

  subject(subject: string): SubjectSeries {
    let series = this.subjects.get(subject);
    if (!series) {
      series = new SubjectSeries(this.handler, subject, this.bounds);
      this.subjects.set(subject, series);
    }
    return series;
  }
}

type Value = { labels: Record<string, string | number>; value: number; metricName: string };

/**
 * `pipeline_handler_duration_seconds` as prom-client exposes a histogram (`_bucket` with `le`,
 * cumulative, `+Inf`; `_sum`; `_count`), built from the series at scrape time. prom-client's
 * Histogram cannot be given counts, only single observations, hence this small metric of its own,
 * registered like any other (the registry reads `get()`).
 */
export class SeriesHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly series: () => Iterable<SubjectSeries>,
  ) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Value[] }> {
    const values: Value[] = [];
    for (const s of this.series()) {
      if (s.count === 0) continue;
      const labels = { handler: s.handler, subject: s.subject };
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.buckets[i]!;
        values.push({ labels: { le: this.bounds[i]!, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', ...labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** `Registry.resetMetrics()`: the observations start again. */
  reset(): void {
    for (const s of this.series()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
