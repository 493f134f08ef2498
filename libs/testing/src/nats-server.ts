import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { waitFor } from './wait.js';

export interface TestNatsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no free port'))));
    });
  });
}

/**
 * A nats-server of the test's own on a free loopback port, with a config file of `config/nats/`
 * (variables from `env`, JetStream store in a temp folder passed as NATS_TEST_STORE).
 */
export async function startNatsServer(configFile: string, env: Record<string, string>, probe: { user: string; pass: string }): Promise<TestNatsServer> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'nats-test-'));
  const child: ChildProcess = spawn('nats-server', ['-c', configFile, '-p', String(port)], {
    env: { ...process.env, ...env, NATS_TEST_STORE: store },
    stdio: 'ignore',
  });
  const url = `nats://127.0.0.1:${port}`;
  await waitFor('the test nats-server', async () => {
    const nc = await connect({ servers: url, user: probe.user, pass: probe.pass });
    await nc.close();
    return true;
  });
  return {
    url,
    port,
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/**
 * A plain nats-server of the test's own (JetStream, no auth) with the monitoring endpoint on
 * (`/jsz`, `/varz`), for what reads the server's own figures (the console, its bench).
 */
export async function startMonitoredNatsServer(): Promise<TestNatsServer & { monitorUrl: string }> {
  const port = await freePort();
  const monitor = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'nats-monitored-'));
  const child: ChildProcess = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-js', '-sd', store], { stdio: 'ignore' });
  const url = `nats://127.0.0.1:${port}`;
  await waitFor('the monitored nats-server', async () => {
    const nc = await connect({ servers: url });
    await nc.close();
    return true;
  });
  return {
    url,
    port,
    monitorUrl: `http://127.0.0.1:${monitor}`,
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(store, { recursive: true, force: true });
    },
  };
}
