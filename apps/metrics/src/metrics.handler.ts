import { MetricsCollectedV1, MetricsRequestedV1 } from '#contracts';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller, Inject } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

export const METRICS_SERVICE = Symbol('METRICS_SERVICE');

/** The metrics stage's one subscriber: a collection slot in, one `metrics.collected` per snapshot out. */
@Controller()
export class MetricsHandler {
  constructor(
    @Inject(METRICS_SERVICE) private readonly metrics: MetricsService | null,
    private readonly events: EventPublisher,
  ) {}

  @OnEvent(MetricsRequestedV1)
  async onRequested(payload: MetricsRequestedV1, ctx: EventContext): Promise<void> {
    if (!this.metrics) return void ctx.log.debug(`slot ${payload.slotAt}: no platform configured (METRICS_BACKEND=off), nothing to collect`);
    const result = await this.metrics.collect(payload.slotAt, ctx.log);
    for (const { snapshot, created } of result.collected) {
      // A second command for the same slot finds the rows and announces nothing; a redelivery of this
      // command announces again under the same message ids, which JetStream drops.
      if (!created && ctx.attempt === 1) continue;
      await this.events.publish(MetricsCollectedV1, snapshot, { causedBy: ctx.envelope, key: `metrics:${snapshot.publicationId}:${payload.slotAt}` });
    }
    ctx.log.info(
      `slot ${payload.slotAt}: ${result.collected.length}/${result.due} snapshots, ${result.missing} videos missing, ${result.analyticsDays} analytics days` +
        (result.skipped.length ? `; skipped ${result.skipped.map((s) => `${s.channel} (${s.reason})`).join(', ')}` : ''),
    );
    if (result.retry) throw new Error(`slot ${payload.slotAt} incomplete, retrying: ${result.retry}`);
  }
}
