#!/usr/bin/env node
// What a newcomer's machine does with `npm start`, checked: run inside a network namespace with
// nothing listening (`unshare -n node scripts/fresh-start-check.mjs [--no-build]`, as root), it
// brings loopback up, runs `npm start` with a fresh data dir, waits for the first article to be
// embedded (or for the log line `--until <regex>` names) and for the NATS monitoring endpoint, stops everything with Ctrl-C (SIGINT) and prints
// one JSON line: { varz, embedded, stopped, seconds }. Exit 0 when all three happened.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const limitMs = Number(process.env.FRESH_START_TIMEOUT_MS ?? 240_000);
const started = Date.now();

execFileSync('ip', ['link', 'set', 'lo', 'up']);
const taken = await new Promise((done) => {
  const socket = connect({ port: 4222, host: '127.0.0.1' });
  socket.once('connect', () => (socket.destroy(), done(true)));
  socket.once('error', () => done(false));
});
if (taken) {
  console.error('fresh-start-check: something listens on 4222 here: run it in a fresh network namespace (unshare -n)');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'fresh-start-'));
const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
for (const name of ['NATS_URL', 'NATS_NAMESPACE', 'MILVUS_ADDRESS', 'CATALOG_DB_URL', 'LOG_DB_URL']) delete env[name];
const args = [join(root, 'scripts/start.mjs'), ...process.argv.slice(2).filter((a) => a === '--no-build')];
const untilAt = process.argv.indexOf('--until');
const until = new RegExp(untilAt > 0 ? process.argv[untilAt + 1] : 'article \\d+ embedded');
const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk.toString()));
const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));

const result = { varz: false, embedded: false, stopped: false, seconds: 0 };
while (Date.now() - started < limitMs && !(result.varz && result.embedded)) {
  await new Promise((r) => setTimeout(r, 1000));
  if (!result.varz) {
    result.varz = await fetch('http://127.0.0.1:8222/varz', { signal: AbortSignal.timeout(1000) })
      .then(async (r) => r.ok && typeof (await r.json()).server_id === 'string')
      .catch(() => false);
  }
  result.embedded ||= until.test(output);
  if (child.exitCode !== null) break;
}
child.kill('SIGINT');
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
result.stopped = code === 0 && /\[start\]\S* stopped\./.test(output.replace(/\x1b\[[0-9;]*m/g, ''));
if (code === 'timeout') child.kill('SIGKILL');
result.seconds = Math.round((Date.now() - started) / 1000);
rmSync(dataDir, { recursive: true, force: true });
if (!(result.varz && result.embedded && result.stopped)) process.stderr.write(output.slice(-6000));
console.log(JSON.stringify(result));
process.exit(result.varz && result.embedded && result.stopped ? 0 : 1);
