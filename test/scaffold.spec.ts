import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');

/**
 * The stage promise, tried as a newcomer would on a copy of the repository: the scaffolder writes a
 * stage, the build, the layout test and the new stage's own spec pass, and git shows only new files
 * plus the two listing files.
 */
describe('npm run new:stage', () => {
  let copy: string;
  const run = (command: string, args: string[]) => {
    // Without NODE_TEST_CONTEXT, which would make the nested test runner report to this one.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    return spawnSync(command, args, { cwd: copy, encoding: 'utf8', env: { ...env, LOG_LEVEL: 'warn' } });
  };

  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'scaffold-'));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try {
        cpSync(join(root, file), join(copy, file));
      } catch {
        // a file listed by git but deleted in the work tree
      }
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base']]) execFileSync('git', args, { cwd: copy });
  });

  after(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('writes a stage that builds, passes the layout test and its own spec, and edits only the two listings', { timeout: 300_000 }, () => {
    const scaffold = run(process.execPath, ['scripts/new-stage.mjs', 'wordcount', '--on', 'pipeline.article.stored.v1', '--emits', 'pipeline.article.counted.v1']);
    assert.equal(scaffold.status, 0, scaffold.stderr + scaffold.stdout);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: copy, encoding: 'utf8' }).split('\n').filter(Boolean);
    const changed = status.filter((line) => !line.startsWith('??')).map((line) => line.slice(3)).sort();
    assert.deepEqual(changed, ['deploy/k8s/kustomization.yaml', 'nest-cli.json']);
    assert.ok(status.some((line) => line === '?? apps/wordcount/src/wordcount.handler.ts'));
    assert.ok(status.some((line) => line === '?? libs/contracts/src/events/article-counted.v1.ts'));

    const build = run(process.execPath, ['scripts/build.mjs']);
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const specs = run(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', 'dist/test/layout.spec.js', 'dist/apps/wordcount/test/wordcount-stage.spec.js']);
    assert.equal(specs.status, 0, specs.stdout.slice(-4000) + specs.stderr.slice(-2000));
    assert.match(specs.stdout, /^# fail 0$/m);
    assert.match(specs.stdout, /^ok \d+ - wordcount stage on the real bus$/m);

    const again = run(process.execPath, ['scripts/new-stage.mjs', 'wordcount', '--on', 'pipeline.article.stored.v1', '--emits', 'pipeline.article.counted.v1']);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /exists already/);
  });

  it('refuses what is not an event subject, with the rule', () => {
    const bad = run(process.execPath, ['scripts/new-stage.mjs', 'x', '--on', 'article.stored', '--emits', 'pipeline.x.done.v1']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /pipeline\.<entity>\.<pastTenseVerb>\.v<major>/);
  });
});
