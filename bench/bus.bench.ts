// npm run bench:bus — JetStream consume+ack rate and request/reply latency, raw @nats-io client
// versus our NestJS transport, side by side in one run on the local nats-server.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { defineRequest, ScrapeRequestedV1 } from '#contracts';
import { OnEvent, OnRequest, type EventContext } from '#messaging';
import { TestBus } from '#testing';
import { AckPolicy } from '@nats-io/jetstream';
import { Controller, Module } from '@nestjs/common';
import { z } from 'zod';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 128;
// Messages asked for per pull on our side. The raw side pulls BATCH; ours pulls `prefetch`, which
// defaults to `concurrency` (BATCH / 2 here) in app configs. Equal pull sizes compare the
// transports; BENCH_PREFETCH=64 shows the app default (twice the pull requests).
const PREFETCH = Number(process.env.BENCH_PREFETCH ?? BATCH);
// BENCH_CPU_PROFILE=ours.cpuprofile: a CPU profile of our side alone, over the counted rounds (open
// it in Chrome DevTools); the raw side and the publish phase are not in it.
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE;

const EchoV1 = defineRequest('bench.echo.v1', z.object({ n: z.number() }), z.object({ n: z.number() }));

let handled = 0;
let firstAt = 0;
let onTarget: (() => void) | null = null;
let target = 0;

@Controller()
class SinkHandler {
  @OnEvent(ScrapeRequestedV1)
  async sink(_payload: ScrapeRequestedV1, _ctx: EventContext): Promise<void> {
    if (handled === 0) firstAt = performance.now();
    if (++handled === target) onTarget?.();
  }

  @OnRequest(EchoV1)
  async echo(request: { n: number }): Promise<{ n: number }> {
    return request;
  }
}

@Module({ controllers: [SinkHandler] })
class SinkModule {}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const consumers: Record<string, Record<string, unknown>[]> = {};
  for (let r = 0; r <= ROUNDS; r++) {
    consumers[`sink${r}`] = [{ durable: `sink${r}`, stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1', concurrency: BATCH / 2, prefetch: PREFETCH }];
  }
  const bus = await TestBus.create({ consumers });
  try {
    process.stdout.write(`publishing ${EVENTS} events...\n`);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      pending.push(bus.publisher.publish(ScrapeRequestedV1, { requestedBy: 'bench' }, { key: `e${i}` }));
      if (pending.length >= 500) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const stream = bus.ns.stream('PIPELINE');

    const rawRates: number[] = [];
    const oursRates: number[] = [];
    // CPU time of this process per message (user + system): steadier than rates on a shared machine.
    const rawCpu: number[] = [];
    const oursCpu: number[] = [];
    const profiler = CPU_PROFILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
    }
    // Round 0 warms both sides up (JIT of zod, NestJS's handler pipeline, the runner) and is not counted:
    // counted, our cold first round ran at twice the CPU per message of the later ones.
    for (let r = 0; r <= ROUNDS; r++) {
      // Raw: a durable pull consumer of the same stream, consume + ack, nothing else.
      await bus.jsm.consumers.add(stream, { durable_name: `raw${r}`, ack_policy: AckPolicy.Explicit, filter_subject: bus.ns.subject('pipeline.scrape.requested.v1') });
      const consumer = await bus.js.consumers.get(stream, `raw${r}`);
      // Both sides are timed from the first message to the last, so start-up is not counted.
      const messages = await consumer.consume({ max_messages: BATCH });
      let count = 0;
      let rawStart = 0;
      let rawCpuStart = process.cpuUsage();
      for await (const msg of messages) {
        if (count === 0) {
          rawStart = performance.now();
          rawCpuStart = process.cpuUsage();
        }
        msg.ack();
        if (++count === EVENTS) break;
      }
      const rawSeconds = (performance.now() - rawStart) / 1000;
      if (r > 0) rawCpu.push(cpuMicros(rawCpuStart) / EVENTS);
      await messages.close();
      if (r > 0) rawRates.push(EVENTS / rawSeconds);

      // Ours: the same events through the NestJS transport to a no-op handler.
      handled = 0;
      target = EVENTS;
      const done = new Promise<void>((resolve) => (onTarget = resolve));
      const app = await bus.startApp(SinkModule, `sink${r}`);
      // Profiled from the same point as the CPU figure (boot excluded), one file per round.
      if (profiler && r > 0) await profiler.post('Profiler.start');
      const oursCpuStart = process.cpuUsage();
      await done;
      const oursSeconds = (performance.now() - firstAt) / 1000;
      if (r > 0) oursCpu.push(cpuMicros(oursCpuStart) / EVENTS);
      if (r > 0) oursRates.push(EVENTS / oursSeconds);
      if (profiler && r > 0) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(CPU_PROFILE!.replace(/(\.cpuprofile)?$/, `.r${r}.cpuprofile`), JSON.stringify(profile));
      }
      await app.close();
      bus.apps.length = 0;
    }
    profiler?.disconnect();

    // Request/reply: a raw core NATS echo responder versus an @OnRequest handler in NestJS.
    const rawSub = bus.nc.subscribe(bus.ns.subject('bench.raw.echo'), {
      callback: (_error, msg) => {
        msg.respond(msg.data);
      },
    });
    const requester = await (await import('@nats-io/transport-node')).connect({ servers: bus.natsUrl, noAsyncTraces: true });
    const payload = JSON.stringify({ n: 1 });
    await bus.startApp(SinkModule, 'sink0');
    const rawLatencies: number[] = [];
    const oursLatencies: number[] = [];
    const rawOnce = async (into: number[] | null): Promise<void> => {
      const t = performance.now();
      await requester.request(bus.ns.subject('bench.raw.echo'), payload, { timeout: 2000 });
      into?.push(performance.now() - t);
    };
    const oursOnce = async (into: number[] | null, n: number): Promise<void> => {
      const t = performance.now();
      await bus.requests.request(EchoV1, { n });
      into?.push(performance.now() - t);
    };
    for (let i = 0; i < 200; i++) {
      await rawOnce(null);
      await oursOnce(null, i);
    }
    // Alternating blocks, so a change in machine load touches both sides alike.
    const BLOCKS = 10;
    for (let block = 0; block < BLOCKS; block++) {
      for (let i = 0; i < REQUESTS / BLOCKS; i++) await rawOnce(rawLatencies);
      for (let i = 0; i < REQUESTS / BLOCKS; i++) await oursOnce(oursLatencies, i);
    }
    rawSub.unsubscribe();
    await requester.close();

    rawLatencies.sort((a, b) => a - b);
    oursLatencies.sort((a, b) => a - b);
    // Each round times raw then ours back to back; the ratio is the median of the rounds' ratios,
    // so a burst of load on the shared machine skews one round, not the figure (a best-of-N per
    // side compared a lucky raw round with an unlucky one of ours).
    const ratios = rawRates.map((raw, i) => oursRates[i]! / raw);
    const figures = {
      events: EVENTS,
      rounds: ROUNDS,
      prefetch: PREFETCH,
      raw_consume_per_s: Math.round(median(rawRates)),
      ours_consume_per_s: Math.round(median(oursRates)),
      consume_ratio: Number(median(ratios).toFixed(3)),
      consume_ratio_min: Number(Math.min(...ratios).toFixed(3)),
      consume_ratio_max: Number(Math.max(...ratios).toFixed(3)),
      raw_cpu_us_per_msg: Number(median(rawCpu).toFixed(1)),
      ours_cpu_us_per_msg: Number(median(oursCpu).toFixed(1)),
      requests: REQUESTS,
      raw_request_p50_ms: Number(percentile(rawLatencies, 50).toFixed(3)),
      raw_request_p99_ms: Number(percentile(rawLatencies, 99).toFixed(3)),
      ours_request_p50_ms: Number(percentile(oursLatencies, 50).toFixed(3)),
      ours_request_p99_ms: Number(percentile(oursLatencies, 99).toFixed(3)),
      request_p50_ratio: 0,
      load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
    };
    figures.request_p50_ratio = Number((figures.ours_request_p50_ms / figures.raw_request_p50_ms).toFixed(3));

    const rows = [
      ['JetStream consume + ack', `${figures.raw_consume_per_s} msg/s`, `${figures.ours_consume_per_s} msg/s`, `${figures.consume_ratio}x (target >= 0.8)`],
      ['consume CPU per message', `${figures.raw_cpu_us_per_msg} µs`, `${figures.ours_cpu_us_per_msg} µs`, `(this process, user + system)`],
      ['request/reply p50', `${figures.raw_request_p50_ms} ms`, `${figures.ours_request_p50_ms} ms`, `${figures.request_p50_ratio}x (target <= 1.25)`],
      ['request/reply p99', `${figures.raw_request_p99_ms} ms`, `${figures.ours_request_p99_ms} ms`, ''],
    ];
    process.stdout.write(`\n${'measure'.padEnd(26)}${'raw @nats-io'.padEnd(18)}${'our transport'.padEnd(18)}ratio\n`);
    for (const row of rows) process.stdout.write(`${row[0]!.padEnd(26)}${row[1]!.padEnd(18)}${row[2]!.padEnd(18)}${row[3]}\n`);
    for (let r = 0; r < ROUNDS; r++) {
      process.stdout.write(`round ${r + 1}: raw ${Math.round(rawRates[r]!)} msg/s ${rawCpu[r]!.toFixed(1)} µs CPU/msg, ours ${Math.round(oursRates[r]!)} msg/s ${oursCpu[r]!.toFixed(1)} µs CPU/msg\n`);
    }
    process.stdout.write(`consume ratio per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    process.stdout.write(`(medians of ${ROUNDS} rounds of ${EVENTS} events, pull batch ${BATCH} raw / ${PREFETCH} ours; ${REQUESTS} sequential requests each, in alternating blocks, after 200 warm-up)\n`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await bus.close();
  }
}

await main();
