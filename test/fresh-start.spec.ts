import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
// A network namespace needs root (or user namespaces); CI and the development machines run as root.
const unshare = spawnSync('unshare', ['-n', 'true']).status === 0;

describe('a fresh machine', () => {
  it('runs npm start where nothing listens: its own nats-server, monitoring, the first article embedded, a clean stop', { skip: !unshare && 'unshare -n is not permitted here (needs root)', timeout: 420_000 }, () => {
    // The suite has built dist already; --no-build keeps start.mjs from rebuilding under the runner.
    const run = spawnSync('unshare', ['-n', process.execPath, resolve(root, 'scripts/fresh-start-check.mjs'), '--no-build'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 400_000,
    });
    const last = run.stdout.trim().split('\n').pop() ?? '';
    const result = JSON.parse(last || '{}') as { varz?: boolean; embedded?: boolean; stopped?: boolean; seconds?: number };
    assert.deepEqual({ varz: result.varz, embedded: result.embedded, stopped: result.stopped }, { varz: true, embedded: true, stopped: true }, run.stderr.slice(-4000));
  });
});
