import { CommonEnv, loadEnv } from '#config';
import { jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import { connectNats } from './connect.js';
import { Namespace } from './namespace.js';
import { provisionTopology } from './provision.js';
import { loadTopology } from './streams.config.js';

const env = loadEnv({ ...CommonEnv, STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional() });
const topology = loadTopology(env.STREAMS_CONFIG);
const nc = await connectNats({ url: env.NATS_URL, app: 'provision', user: env.NATS_USER, password: env.NATS_PASSWORD });
try {
  const report = await provisionTopology(await jetstreamManager(nc), topology, new Namespace(env.NATS_NAMESPACE), {
    replicas: env.STREAM_REPLICAS,
  });
  for (const s of report.streams) console.log(`stream   ${s.name.padEnd(28)} ${s.action}`);
  for (const c of report.consumers) console.log(`consumer ${`${c.stream}/${c.durable}`.padEnd(28)} ${c.action}`);
} finally {
  await nc.close();
}
