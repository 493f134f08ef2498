#!/usr/bin/env node
// Copies the files the Kubernetes base needs from config/ into deploy/k8s/config/, because
// kustomize reads nothing outside its root. `node scripts/deploy-config.mjs` writes them;
// `--check` exits 1 naming every copy that differs from its source (the layout test runs it).
// The NATS users and permissions are not copied: the NATS pod's init container generates them
// from the image's config/apps/*.yaml, so adding a stage edits nothing here.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const COPIES = [
  ['config/nats/prod.conf', 'deploy/k8s/config/nats.conf'],
  ['config/channels.yaml', 'deploy/k8s/config/channels.yaml'],
  ['config/sources.yaml', 'deploy/k8s/config/sources.yaml'],
];

const check = process.argv.includes('--check');
const stale = [];
for (const [from, to] of COPIES) {
  const source = readFileSync(join(root, from));
  const target = join(root, to);
  if (existsSync(target) && readFileSync(target).equals(source)) continue;
  if (check) stale.push(`${to} differs from ${from}`);
  else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, source);
    process.stdout.write(`wrote ${to}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(`${stale.join('\n')}\nrun: node scripts/deploy-config.mjs\n`);
  process.exit(1);
}
