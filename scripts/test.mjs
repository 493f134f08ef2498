#!/usr/bin/env node
// Builds once, then runs every compiled spec with node's test runner, one file at a time: the
// suites share the real NATS, MariaDB and Milvus servers of this machine and a 2-core budget.
import { spawnSync } from 'node:child_process';
import { portOpen } from './net.mjs';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0 && process.env.TEST_IGNORE_TYPE_ERRORS !== '1') {
  console.error('test: the TypeScript build failed; fix the errors above first.');
  process.exit(build.status ?? 1);
}

function specs(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...specs(path));
    else if (name.endsWith('.spec.js')) found.push(path);
  }
  return found;
}


// The Milvus specs need a server: the project's milvus-lite (PyPI, into .milvus/), installed on the
// first run and started when nothing answers. MILVUS_ADDRESS points at another server instead.
if (!process.env.MILVUS_ADDRESS && !(await portOpen(19530))) {
  if (!existsSync(join(root, '.milvus/venv'))) {
    console.log('test: installing milvus-lite for the vector specs (first run only, about a minute: pip into .milvus/venv)...');
    const install = spawnSync('bash', [join(root, 'scripts/milvus.sh'), 'install'], { cwd: root, stdio: 'inherit' });
    if (install.status !== 0) console.error('test: milvus-lite did not install (see above); the Milvus specs will fail. Needs python3 with venv.');
  }
  if (existsSync(join(root, '.milvus/venv'))) {
    console.log('test: starting milvus-lite on 127.0.0.1:19530...');
    spawnSync('bash', [join(root, 'scripts/milvus.sh'), 'start'], { cwd: root, stdio: 'inherit' });
  }
}

const filters = process.argv.slice(2);
const files = ['apps', 'libs', 'test']
  .flatMap((top) => specs(join(root, 'dist', top)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`test: no spec matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
console.log(`test: ${files.length} spec files: ${files.map((f) => relative(join(root, 'dist'), f)).join(', ')}`);
const run = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 600_000}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(run.status ?? 1);
