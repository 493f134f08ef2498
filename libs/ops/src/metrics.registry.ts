import type { HandlerOutcome, MessagingObserver, RequestOutcome } from '#messaging';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { HandlerSeries, SeriesHistogram, type SubjectSeries } from './handler-series.js';

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface GaugeSpec<L extends string = string> {
  /** Prometheus name, e.g. `files_bytes_used`; the app label is added to every series. */
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Called on every scrape: one value, or one per label set. Keep it cheap (a cached figure). */
  collect: () => number | { labels: Record<L, string>; value: number }[] | Promise<number | { labels: Record<L, string>; value: number }[]>;
}

/**
 * One Prometheus registry per app: the transport's figures (handled / retried / dead-lettered per
 * handler, handler latency, in-flight, request latency per subject), process metrics, and the
 * gauges an app registers for its own figures (files bytes used, catalog rows, vector rows).
 * Injectable: `constructor(private readonly metrics: MetricsRegistry)` then `metrics.gauge({...})`.
 */
export class MetricsRegistry implements MessagingObserver {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'subject' | 'outcome'>;
  /** The transport's per-message figures, per handler and subject, read by the metrics below at scrape time. */
  private readonly handlers = new Map<string, HandlerSeries>();

  constructor(readonly app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    const handlers = this.handlers;
    const allSeries = function* (): Iterable<SubjectSeries> {
      for (const handler of handlers.values()) yield* handler.subjects.values();
    };
    new Counter({
      name: 'pipeline_messages_total',
      help: 'Pipeline messages by handler and outcome (handled, retried, dead-lettered)',
      labelNames: ['handler', 'subject', 'outcome'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of allSeries()) {
          for (const [outcome, count] of Object.entries(s.outcomes)) {
            if (count > 0) this.inc({ handler: s.handler, subject: s.subject, outcome }, count);
          }
        }
      },
    });
    this.registry.registerMetric(
      new SeriesHistogram('pipeline_handler_duration_seconds', 'Time from delivery to ack, nak or dead letter, per handler', LATENCY_BUCKETS, allSeries) as unknown as Metric,
    );
    new Gauge({
      name: 'pipeline_handler_in_flight',
      help: 'Messages being handled now',
      labelNames: ['handler'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const handler of handlers.values()) this.set({ handler: handler.handler }, handler.inFlight);
      },
    });
    this.requestSeconds = new Histogram({
      name: 'nats_request_duration_seconds',
      help: 'Request/reply latency per subject as the caller sees it (ok, error, timeout, no-service)',
      labelNames: ['subject', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  handlerStarted(handler: string): void {
    this.handler(handler).inFlight++;
  }

  handlerFinished(handler: string, subject: string, outcome: HandlerOutcome, seconds: number): void {
    const series = this.handler(handler);
    series.inFlight--;
    const bySubject = series.subject(subject);
    bySubject.outcomes[outcome]++;
    bySubject.observe(seconds);
  }

  private handler(name: string): HandlerSeries {
    let series = this.handlers.get(name);
    if (!series) {
      series = new HandlerSeries(name, LATENCY_BUCKETS);
      this.handlers.set(name, series);
    }
    return series;
  }

  requestFinished(subject: string, outcome: RequestOutcome, seconds: number): void {
    this.requestSeconds.observe({ subject, outcome }, seconds);
  }

  /** Registers a gauge read at scrape time (an owner's own figure). */
  gauge<L extends string>(spec: GaugeSpec<L>): void {
    const collect = spec.collect;
    new Gauge<L>({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        const value = await collect();
        this.reset();
        if (typeof value === 'number') this.set(value);
        else for (const entry of value) this.set(entry.labels as never, entry.value);
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
