import type { HandlerOutcome, MessagingObserver, RequestOutcome } from '#messaging';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  private readonly messages: Counter<'handler' | 'subject' | 'outcome'>;
  private readonly handlerSeconds: Histogram<'handler' | 'subject'>;
  private readonly inFlight: Gauge<'handler'>;
  private readonly requestSeconds: Histogram<'subject' | 'outcome'>;

  constructor(readonly app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    this.messages = new Counter({
      name: 'pipeline_messages_total',
      help: 'Pipeline messages by handler and outcome (handled, retried, dead-lettered)',
      labelNames: ['handler', 'subject', 'outcome'],
      registers: [this.registry],
    });
    this.handlerSeconds = new Histogram({
      name: 'pipeline_handler_duration_seconds',
      help: 'Time from delivery to ack, nak or dead letter, per handler',
      labelNames: ['handler', 'subject'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.inFlight = new Gauge({
      name: 'pipeline_handler_in_flight',
      help: 'Messages being handled now',
      labelNames: ['handler'],
      registers: [this.registry],
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
    this.inFlight.inc({ handler });
  }

  handlerFinished(handler: string, subject: string, outcome: HandlerOutcome, seconds: number): void {
    this.inFlight.dec({ handler });
    this.messages.inc({ handler, subject, outcome });
    this.handlerSeconds.observe({ handler, subject }, seconds);
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
