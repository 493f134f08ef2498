import { z } from 'zod';

/** The part of nats-server's `/jsz?accounts=true&streams=true&consumers=true&config=true` the console reads (2.9 and later). */
const ConsumerDetail = z.object({
  name: z.string(),
  stream_name: z.string(),
  num_pending: z.number().default(0),
  num_ack_pending: z.number().default(0),
  num_redelivered: z.number().default(0),
  num_waiting: z.number().default(0),
  delivered: z.object({ consumer_seq: z.number(), stream_seq: z.number() }).partial().default({}),
  ack_floor: z.object({ consumer_seq: z.number(), stream_seq: z.number() }).partial().default({}),
  config: z.object({ filter_subject: z.string().optional(), max_ack_pending: z.number().optional() }).partial().default({}),
});
const Jsz = z.object({
  account_details: z
    .array(
      z.object({
        stream_detail: z
          .array(z.object({ name: z.string(), state: z.object({ messages: z.number(), bytes: z.number() }).partial().default({}), consumer_detail: z.array(ConsumerDetail).nullish() }))
          .nullish(),
      }),
    )
    .nullish(),
});

export interface ConsumerFigures {
  stream: string;
  consumer: string;
  filter: string | null;
  pending: number;
  ackPending: number;
  redelivered: number;
  /** Messages acknowledged (ack floor); its growth over time is the rate. */
  acked: number;
  maxAckPending: number | null;
}

/** Reads the NATS monitoring endpoint; a timeout or a bad answer is an error the page shows. */
export class MonitorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 2000,
  ) {}

  async consumers(): Promise<ConsumerFigures[]> {
    const res = await fetch(`${this.baseUrl}/jsz?accounts=true&streams=true&consumers=true&config=true`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`${this.baseUrl}/jsz answered ${res.status}`);
    const parsed = Jsz.safeParse(await res.json());
    if (!parsed.success) throw new Error(`${this.baseUrl}/jsz: unexpected answer`);
    const out: ConsumerFigures[] = [];
    for (const account of parsed.data.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        for (const c of stream.consumer_detail ?? []) {
          out.push({
            stream: stream.name,
            consumer: c.name,
            filter: c.config.filter_subject ?? null,
            pending: c.num_pending,
            ackPending: c.num_ack_pending,
            redelivered: c.num_redelivered,
            acked: c.ack_floor.consumer_seq ?? 0,
            maxAckPending: c.config.max_ack_pending ?? null,
          });
        }
      }
    }
    return out;
  }
}
