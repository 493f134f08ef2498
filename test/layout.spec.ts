import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const apps = readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'src/main.ts')));
const libs = readdirSync(join(root, 'libs')).filter((name) => existsSync(join(root, 'libs', name, 'src/index.ts')));

describe('repository layout', () => {
  it('gives every app a deployment manifest listed in the kustomization', () => {
    const kustomization = readFileSync(join(root, 'deploy/k8s/kustomization.yaml'), 'utf8');
    for (const app of apps) {
      const manifest = join(root, 'deploy/k8s/apps', `${app}.yaml`);
      assert.ok(existsSync(manifest), `deploy/k8s/apps/${app}.yaml is missing`);
      assert.match(kustomization, new RegExp(`apps/${app}\\.yaml`), `${app} is not in deploy/k8s/kustomization.yaml`);
      const docs = parseAllDocuments(readFileSync(manifest, 'utf8'));
      const deployment = docs.map((d) => d.toJS() as { kind?: string; spec?: any }).find((d) => d.kind === 'Deployment');
      assert.ok(deployment, `${app}.yaml has a Deployment`);
      const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      assert.equal(env.find((e) => e.name === 'APP')?.value, app, `${app}.yaml runs APP=${app}`);
    }
  });

  it('parses every manifest and config file', () => {
    const files = [
      ...readdirSync(join(root, 'deploy/k8s')).filter((f) => f.endsWith('.yaml')).map((f) => join(root, 'deploy/k8s', f)),
      ...readdirSync(join(root, 'config/consumers')).map((f) => join(root, 'config/consumers', f)),
      join(root, 'config/streams.yaml'),
    ];
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) assert.equal(doc.errors.length, 0, `${file}: ${doc.errors.join('; ')}`);
    }
  });

  it('lists every app and lib in nest-cli.json and every lib alias in package.json', () => {
    const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as { projects: Record<string, { type: string }> };
    for (const app of apps) assert.equal(nest.projects[app]?.type, 'application', `nest-cli.json lacks app ${app}`);
    for (const lib of libs) assert.equal(nest.projects[lib]?.type, 'library', `nest-cli.json lacks lib ${lib}`);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports: Record<string, unknown> };
    for (const lib of libs) assert.ok(pkg.imports[`#${lib}`], `package.json imports lacks #${lib}`);
  });

  // Library code never depends on an app (a library's own tests may start an app as a real peer).
  it('keeps library sources free of imports from apps', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, name.name);
        if (name.isDirectory()) walk(path);
        else if (name.name.endsWith('.ts') && /from ['"](\.\.\/)+apps\/|from ['"]#apps/.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    for (const lib of libs) walk(join(root, 'libs', lib, 'src'));
    assert.deepEqual(offenders, []);
  });
});
