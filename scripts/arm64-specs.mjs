#!/usr/bin/env node
// The spec files `npm run test:arm64` runs under emulation: those that need no running service
// and no heavy external tool. A spec is left out when it, or a test helper it imports (relative
// imports followed through test/ folders), names in its code (not its comments) NATS (TestBus), MySQL/MariaDB, Milvus, ffmpeg (#media), a
// browser or llama.cpp, or is one of the few that build or install (scaffold). Native modules
// (better-sqlite3, sharp, usearch) are in: their arm64 builds are what the run proves.
// Prints one path per line, relative to the root (.ts sources). `--sample` prints a short subset.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
// '#media' is the project's ffmpeg/ffprobe wrapper (and its fake video server renders with ffmpeg).
const NEEDS = /TestBus|\bnats\b|NATS_URL|mysql|mariadb|MILVUS_ADDRESS|MilvusBackend|milvus\.backend|milvus2-sdk|ffmpeg|'#media|chromium|playwright|llama/i;
const HEAVY = new Set(['test/scaffold.spec.ts']);
// A quick mix for CI (the native modules are loaded by test-arm64.sh itself): files over HTTP on
// loopback, the scraper's rules on the sample site, text features, the extraction metric.
const SAMPLE = [
  'apps/files/test/safe-path.spec.ts',
  'apps/scraper/test/rules.spec.ts',
  'apps/embedder/test/hash-text.embedder.spec.ts',
  'libs/extraction/test/metric.spec.ts',
];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Whether the file or a local test helper it imports needs a service or a heavy tool. */
function needs(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  // Comments may name a service they do not use ("suites can share one Milvus server").
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  if (NEEDS.test(text)) return true;
  for (const [, spec] of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (target.includes('/test/') && existsSync(target) && needs(target, seen)) return true;
  }
  return false;
}

const all = ['apps', 'libs', 'test']
  .flatMap((top) => walk(join(root, top)))
  .filter((f) => f.endsWith('.spec.ts'))
  .map((f) => relative(root, f))
  .sort();
const chosen = all.filter((f) => !HEAVY.has(f) && !needs(join(root, f)));
const sample = process.argv.includes('--sample');
for (const f of sample ? SAMPLE : chosen) {
  if (!chosen.includes(f)) throw new Error(`arm64-specs: the sample's ${f} is not a service-independent spec (any more)`);
  console.log(f);
}
