import { writeFileSync } from 'node:fs';
import { CommonEnv, loadEnv } from '#config';
import { natsUsers, renderAuthorization } from './permissions.js';
import { loadTopology } from './streams.config.js';

// `npm run nats:auth [-- --out FILE]`: the router's users and permissions, generated from
// config/apps/*.yaml (see docs/messaging.md, "Users and permissions").
const env = loadEnv({ STREAMS_CONFIG: CommonEnv.STREAMS_CONFIG });
const text = renderAuthorization(natsUsers(loadTopology(env.STREAMS_CONFIG)));
const at = process.argv.indexOf('--out');
if (at > 0 && process.argv[at + 1]) writeFileSync(process.argv[at + 1]!, text);
else process.stdout.write(text);
