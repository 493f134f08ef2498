#!/usr/bin/env node
// `npm start`: installs what is missing, builds, starts a local nats-server when NATS_URL is not
// set, provisions streams, then runs every app in apps/ as its own supervised process with one
// prefixed log stream. Ctrl-C stops them all (in-flight messages finish first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { portOpen } from './net.mjs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dataDir = process.env.DATA_DIR ?? join(root, '.data');
const colors = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const children = new Map();
let stopping = false;
const opsPortBase = Number(process.env.OPS_PORT_BASE ?? 9400);

function say(message) {
  process.stdout.write(`\x1b[1m[start]\x1b[0m ${message}\n`);
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    say(`${what} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}


function onPath(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}

async function monitoringAnswers(url = 'http://127.0.0.1:8222/varz') {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function ensureNats() {
  if (process.env.NATS_URL) {
    say(`using NATS at ${process.env.NATS_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
    return null;
  }
  process.env.NATS_URL = 'nats://127.0.0.1:4222';
  if (await portOpen(4222)) {
    // A server someone else started: keep this run's streams apart from whatever else uses it.
    process.env.NATS_NAMESPACE ??= 'local';
    say(`a NATS server already listens on 127.0.0.1:4222; using it with namespace "${process.env.NATS_NAMESPACE}" (set NATS_URL to pick another)`);
    say(
      (await monitoringAnswers())
        ? 'its monitoring answers on http://127.0.0.1:8222 (/varz /connz /jsz?consumers=true)'
        : 'it has no monitoring port on 127.0.0.1:8222 (start it with -m 8222 to see /varz and /jsz)',
    );
    return null;
  }
  if (!onPath('nats-server')) {
    say('nats-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install nats-server),');
    say('or point NATS_URL at a running server with JetStream (nats-server -js).');
    process.exit(1);
  }
  mkdirSync(join(dataDir, 'nats'), { recursive: true });
  const server = spawn('nats-server', ['-c', join(root, 'config/nats/dev.conf'), '-sd', join(dataDir, 'nats')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = null;
  server.once('exit', (code, signal) => (exited = signal ?? code));
  pipe('nats', server, 0);
  for (let i = 0; i < 100 && exited === null && !(await portOpen(4222)); i++) await new Promise((r) => setTimeout(r, 100));
  if (exited !== null || !(await portOpen(4222))) {
    say(`nats-server did not start (${exited !== null ? `exited: ${exited}` : 'nothing listens on 4222 after 10 s'}); its output is above.`);
    server.kill('SIGKILL');
    process.exit(1);
  }
  say(
    `nats-server started: clients on 127.0.0.1:4222, monitoring on http://127.0.0.1:8222 (/varz /connz /jsz?consumers=true)` +
      ((await monitoringAnswers()) ? '' : ' (monitoring does not answer yet)'),
  );
  // A server that dies later takes the pipeline with it: say so instead of leaving apps reconnecting.
  server.once('exit', (code, signal) => {
    if (!stopping) say(`nats-server exited (${signal ?? code}); the apps wait for it to come back`);
  });
  return server;
}

function pipe(name, child, index) {
  const color = colors[index % colors.length];
  const prefix = `\x1b[${color}m${name.padEnd(10)}|\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
}

function apps() {
  const dir = join(root, 'dist/apps');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src/main.js')))
    .sort();
}

function startApp(name, index, restarts = 0) {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/apps', name, 'src/main.js')], {
    cwd: root,
    // Each app its own /healthz /readyz /metrics port (9464 in Kubernetes, where each pod has one).
    env: { ...process.env, DATA_DIR: dataDir, OPS_PORT: String(opsPortBase + index), OPS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  children.set(name, child);
  pipe(name, child, index + 1);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    // A crash loop backs off; a process that ran a while restarts at once.
    const next = Date.now() - startedAt > 30_000 ? 0 : restarts + 1;
    const delay = Math.min(30_000, 500 * 2 ** next);
    say(`${name} exited (${signal ?? code}); restarting in ${delay} ms`);
    setTimeout(() => !stopping && startApp(name, index, next), delay);
  });
}

async function main() {
  if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
    say('installing npm packages (npm ci)...');
    run('npm', ['ci'], 'npm ci');
  }
  if (process.argv.includes('--no-build') && existsSync(join(root, 'dist/apps'))) {
    say('using the existing build (--no-build)');
  } else {
    say('building...');
    run(process.execPath, [join(root, 'scripts/build.mjs')], 'the TypeScript build');
  }
  const nats = await ensureNats();
  say('provisioning streams and consumers...');
  run(process.execPath, [join(root, 'dist/libs/messaging/src/provision.cli.js')], 'provisioning');
  const names = apps();
  say(`starting ${names.length} apps: ${names.join(', ')} (data in ${dataDir}); Ctrl-C stops everything`);
  names.forEach((name, index) => startApp(name, index));
  say(`health and metrics: ${names.map((name, index) => `${name} http://127.0.0.1:${opsPortBase + index}/metrics`).join(', ')}`);

  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping ${children.size} apps...`);
    const exits = [...children.values()].map((child) => new Promise((done) => child.once('exit', done)));
    for (const child of children.values()) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 15_000);
    await Promise.all(exits);
    clearTimeout(timer);
    if (nats) {
      nats.kill('SIGTERM');
      await new Promise((done) => nats.once('exit', done));
    }
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
