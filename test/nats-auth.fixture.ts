import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTopology, natsUsers, passwordVariable, renderAuthorization } from '#messaging';
import { startNatsServer, type TestNatsServer } from '#testing';

const root = resolve(import.meta.dirname, '../..');
/** The users the router gets from config/apps/*.yaml, plus a test-only superuser that watches. */
export const USERS = natsUsers(loadTopology(join(root, 'config/streams.yaml')));

export function passwordOf(user: string): string {
  return `${user}-secret`;
}

/**
 * A nats-server of the test's own with the generated production permissions (what
 * `npm run nats:auth` prints) on a plain loopback listener. `admin` exists only here: it
 * provisions the test streams and watches what reaches subscribers.
 */
export function startAuthNatsServer(): Promise<TestNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nats-auth-'));
  const admin = { user: 'admin', publish: ['>'], subscribe: ['>'], allowResponses: false };
  const config = [
    'listen: 127.0.0.1:-1',
    'jetstream { store_dir: $NATS_TEST_STORE }',
    renderAuthorization([...USERS, admin]),
  ].join('\n');
  writeFileSync(join(dir, 'test-auth.conf'), config);
  const env = Object.fromEntries([...USERS, admin].map((u) => [passwordVariable(u.user), passwordOf(u.user)]));
  return startNatsServer(join(dir, 'test-auth.conf'), env, { user: 'admin', pass: passwordOf('admin') });
}
