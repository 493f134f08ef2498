import type { ChannelV1 } from '#contracts';
import { msUntilWindow, nextQuotaReset, quotaDay, type ChannelConfig, type YoutubeConfig } from '#youtube';
import type { CatalogClient } from './catalog.client.js';

export type RouteDecision =
  | { kind: 'channel'; channel: ChannelConfig }
  /** No channel of the route can take it now; `untilMs` is when the first one could. */
  | { kind: 'wait'; untilMs: number; why: string };

/**
 * Picks the channel for a video from the routing rules: the first route whose categories include
 * the video's category (or `*`), then the first of its channels that is enabled, not paused, inside
 * a publish window, and under its daily cap. The cap is checked against the quota ledger's uploads
 * bucket, where the upload itself draws its unit.
 */
export class ChannelRouter {
  constructor(
    private readonly config: YoutubeConfig,
    private readonly catalog: CatalogClient,
    private readonly disabledRecheckMs: number,
  ) {}

  channel(name: string): ChannelConfig | undefined {
    return this.config.channels.find((c) => c.name === name);
  }

  routeFor(category: string | null): string[] {
    const route =
      this.config.routes.find((r) => category !== null && r.categories.includes(category)) ?? this.config.routes.find((r) => r.categories.includes('*'));
    return route?.channels ?? [];
  }

  async pick(category: string | null, now: Date): Promise<RouteDecision> {
    const names = this.routeFor(category);
    if (names.length === 0) return { kind: 'wait', untilMs: this.disabledRecheckMs, why: `no route for category ${category ?? '(none)'} and no "*" route` };
    const states = await this.catalog.syncChannels(this.config.platform, names);
    let soonest = Number.POSITIVE_INFINITY;
    const reasons: string[] = [];
    for (const name of names) {
      const channel = this.channel(name)!;
      const state = states.find((s) => s.name === name)!;
      const blocked = await this.blockedFor(channel, state, now);
      if (blocked === null) return { kind: 'channel', channel };
      soonest = Math.min(soonest, blocked.ms);
      reasons.push(`${name}: ${blocked.why}`);
    }
    return { kind: 'wait', untilMs: soonest, why: reasons.join('; ') };
  }

  /** Null when the channel can take an upload now, else how long until it might and why not. */
  async blockedFor(channel: ChannelConfig, state: ChannelV1, now: Date): Promise<{ ms: number; why: string } | null> {
    if (state.status === 'disabled') return { ms: this.disabledRecheckMs, why: `disabled (${state.reason ?? 'no reason recorded'})` };
    if (state.status === 'paused' && state.pausedUntil && Date.parse(state.pausedUntil) > now.getTime()) {
      return { ms: Date.parse(state.pausedUntil) - now.getTime(), why: `paused until ${state.pausedUntil} (${state.reason ?? 'quota'})` };
    }
    const window = msUntilWindow(channel, now);
    if (window > 0) return { ms: window, why: `outside its publish windows (${channel.timezone})` };
    const cap = Math.min(channel.dailyCap, channel.quota.uploads);
    const ledger = await this.catalog.reserveQuota({ platform: this.config.platform, channel: channel.name, day: quotaDay(now), bucket: 'uploads', units: 0, limit: cap });
    if (ledger.used >= cap) {
      return { ms: nextQuotaReset(now).getTime() - now.getTime(), why: `daily cap reached (${ledger.used}/${cap} uploads on quota day ${quotaDay(now)})` };
    }
    return null;
  }
}
