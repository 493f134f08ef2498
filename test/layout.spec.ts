import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadEventContracts, type Contract } from '#contracts';
import { loadTopology, natsUsers, passwordVariable, subjectMatches } from '#messaging';
import type { z } from 'zod';

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
      // Probes and the cluster CA (deploy/README.md): the ops port, and Node trusting the NATS CA.
      assert.equal(env.find((e) => e.name === 'OPS_PORT')?.value, '9464', `${app}.yaml sets OPS_PORT=9464`);
      assert.equal(env.find((e) => e.name === 'NODE_EXTRA_CA_CERTS')?.value, '/etc/cluster-ca/ca.crt', `${app}.yaml trusts the cluster CA`);
      const container = deployment.spec.template.spec.containers[0];
      assert.ok(container.readinessProbe && container.livenessProbe, `${app}.yaml has readiness and liveness probes`);
      // Prometheus finds every app by its pod annotations (kubernetes_sd_configs, role: pod).
      const annotations = (deployment.spec.template.metadata?.annotations ?? {}) as Record<string, string>;
      assert.equal(annotations['prometheus.io/scrape'], 'true', `${app}.yaml: pod annotation prometheus.io/scrape: "true"`);
      assert.equal(annotations['prometheus.io/port'], '9464', `${app}.yaml: pod annotation prometheus.io/port: "9464" (OPS_PORT)`);
      assert.equal(annotations['prometheus.io/path'], '/metrics', `${app}.yaml: pod annotation prometheus.io/path: /metrics`);
    }
  });

  it('keeps deploy/k8s/config equal to config/ (node scripts/deploy-config.mjs writes it)', () => {
    const check = spawnSync(process.execPath, [join(root, 'scripts/deploy-config.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('parses every manifest and config file', () => {
    const files = [
      ...readdirSync(join(root, 'deploy/k8s')).filter((f) => f.endsWith('.yaml')).map((f) => join(root, 'deploy/k8s', f)),
      ...readdirSync(join(root, 'config/apps')).map((f) => join(root, 'config/apps', f)),
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

  describe('declarations (config/apps/<app>.yaml) and contracts', () => {
    const topology = loadTopology(join(root, 'config/streams.yaml'));
    const covered = (subject: string): boolean =>
      Object.values(topology.streams).some((stream) => stream.subjects.some((pattern) => subjectMatches(pattern, subject)));

    it('gives every app a declaration and every declaration an app', () => {
      const declaredApps = Object.values(topology.apps).filter((a) => !a.tool).map((a) => a.app);
      assert.deepEqual(declaredApps.sort(), [...apps].sort(), 'config/apps/<app>.yaml and apps/<app>/src/main.ts must match one to one');
      // A tool (tool: true) is a command with a NATS user of its own, not an app.
      for (const tool of Object.values(topology.apps).filter((a) => a.tool)) {
        assert.ok(!apps.includes(tool.app), `${tool.file}: apps/${tool.app} is an app, not a tool`);
      }
    });

    it('registers every contract file of libs/contracts/src/events where it is defined', async () => {
      const registry = await loadEventContracts();
      const dir = join(root, 'dist/libs/contracts/src/events');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'index.js')) {
        const exports = (await import(join(dir, file))) as Record<string, unknown>;
        const contracts = Object.values(exports).filter((v): v is Contract<string, z.ZodType> => !!v && typeof v === 'object' && 'subject' in v && 'schema' in v);
        assert.ok(contracts.length > 0, `${file} defines no contract with defineContract()`);
        for (const contract of contracts) assert.equal(registry.get(contract.subject), contract, `${file}: ${contract.subject} is not registered`);
      }
    });

    it('has a registered contract and a stream for every subject an app publishes or consumes', async () => {
      const registry = await loadEventContracts();
      for (const app of Object.values(topology.apps)) {
        for (const subject of app.publishes) {
          assert.ok(!/[*>]/.test(subject), `${app.file}: publishes "${subject}": name each subject`);
          assert.ok(registry.has(subject), `${app.file}: publishes ${subject}, which no contract in libs/contracts/src/events defines`);
          assert.ok(covered(subject), `${app.file}: publishes ${subject}, which no stream in config/streams.yaml covers`);
        }
        for (const consumer of app.consumers) {
          if (/[*>]/.test(consumer.filter)) continue;
          assert.ok(registry.has(consumer.filter), `${app.file}: consumes ${consumer.filter}, which no contract defines`);
        }
        for (const entry of app.requests) {
          const owner = entry.split('.')[0]!;
          assert.ok(Object.values(topology.apps).some((a) => a.serves.includes(owner)), `${app.file}: requests "${entry}", which no app serves`);
        }
      }
    });

    it('gives every app a NATS user and its deployment that user and password', () => {
      const users = new Set(natsUsers(topology).map((u) => u.user));
      for (const app of apps) {
        assert.ok(users.has(app), `no NATS user for ${app}`);
        const docs = parseAllDocuments(readFileSync(join(root, 'deploy/k8s/apps', `${app}.yaml`), 'utf8'));
        const deployment = docs.map((d) => d.toJS() as { kind?: string; spec?: any }).find((d) => d.kind === 'Deployment');
        const env = (deployment?.spec.template.spec.containers[0].env ?? []) as { name: string; value?: string; valueFrom?: any }[];
        assert.equal(env.find((e) => e.name === 'NATS_USER')?.value, app, `deploy/k8s/apps/${app}.yaml: NATS_USER must be ${app}`);
        assert.equal(
          env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef?.key,
          passwordVariable(app),
          `deploy/k8s/apps/${app}.yaml: NATS_PASSWORD must come from the secret key ${passwordVariable(app)}`,
        );
      }
    });

    it('lists exactly the app manifests in the kustomization and the apps and libs in nest-cli.json', () => {
      const kustomization = readFileSync(join(root, 'deploy/k8s/kustomization.yaml'), 'utf8');
      const listed = [...kustomization.matchAll(/apps\/([a-z0-9-]+)\.yaml/g)].map((m) => m[1]!).sort();
      const manifests = readdirSync(join(root, 'deploy/k8s/apps')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
      assert.deepEqual(listed, manifests, 'deploy/k8s/kustomization.yaml must list every file of deploy/k8s/apps and no other');
      assert.deepEqual(manifests, [...apps].sort(), 'one manifest per app');
      const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as { projects: Record<string, unknown> };
      assert.deepEqual(Object.keys(nest.projects).sort(), [...apps, ...libs].sort(), 'nest-cli.json projects must be exactly the apps and libs');
    });
  });
});
