#!/usr/bin/env node
// Helpers of scripts/deploy-check.sh for a rendered kustomization (`kubectl kustomize` output):
//   split <rendered.yaml> <dir>   one file per built-in object (for kubernetes-validate); custom
//                                 resources (KEDA) are checked here against their known fields
//   kinds|except <rendered.yaml> <Kind,Kind>   print the objects of (not of) those kinds
//   check <rendered.yaml> <README.md>
//       every Secret, ConfigMap and Service an object refers to (env, envFrom, volumes,
//       KEDA triggers and authentication, http(s)/tls:// URLs in env values) is rendered too, or
//       is documented in the README by a line naming it in backticks in the section
//       "What the cluster must provide" with an example command.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const [command, renderedPath, target] = process.argv.slice(2);
const objects = parseAllDocuments(readFileSync(renderedPath, 'utf8')).map((d) => d.toJS()).filter(Boolean);

// Fields a KEDA 2.x custom resource may carry (keda.sh/docs/2.17/reference/scaledobject-spec).
const CUSTOM = {
  'keda.sh/v1alpha1/ScaledObject': {
    spec: ['scaleTargetRef', 'pollingInterval', 'cooldownPeriod', 'initialCooldownPeriod', 'idleReplicaCount', 'minReplicaCount', 'maxReplicaCount', 'fallback', 'advanced', 'triggers'],
    required: ['scaleTargetRef', 'triggers'],
  },
  'keda.sh/v1alpha1/TriggerAuthentication': { spec: ['secretTargetRef', 'env', 'podIdentity', 'hashiCorpVault', 'azureKeyVault'], required: [] },
};
const TRIGGER_FIELDS = ['type', 'metadata', 'authenticationRef', 'name', 'metricType', 'useCachedMetrics'];

function fail(message) {
  process.stderr.write(`deploy-refs: ${message}\n`);
  process.exitCode = 1;
}

const id = (o) => `${o.kind}/${o.metadata?.name}`;

if (command === 'split') {
  mkdirSync(target, { recursive: true });
  objects.forEach((o, i) => {
    const key = `${o.apiVersion}/${o.kind}`;
    if (CUSTOM[key]) return checkCustom(o, CUSTOM[key]);
    writeFileSync(join(target, `${String(i).padStart(3, '0')}-${o.kind}-${o.metadata.name}.yaml`), stringify(o));
  });
} else if (command === 'kinds' || command === 'except') {
  // kinds|except <rendered.yaml> Kind,Kind: the objects of (or not of) those kinds, for deploy/apply.sh.
  const kinds = new Set(target.split(','));
  const picked = objects.filter((o) => kinds.has(o.kind) === (command === 'kinds'));
  process.stdout.write(picked.map((o) => stringify(o)).join('---\n'));
} else if (command === 'check') {
  checkReferences(readFileSync(target, 'utf8'));
} else {
  fail('usage: deploy-refs.mjs split|check <rendered.yaml> <dir|README.md>');
}

function checkCustom(o, schema) {
  for (const k of Object.keys(o)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) fail(`${id(o)}: unknown field ${k}`);
  for (const k of Object.keys(o.spec ?? {})) if (!schema.spec.includes(k)) fail(`${id(o)}: unknown field spec.${k}`);
  for (const k of schema.required) if (o.spec?.[k] === undefined) fail(`${id(o)}: spec.${k} is required`);
  for (const t of o.spec?.triggers ?? []) {
    for (const k of Object.keys(t)) if (!TRIGGER_FIELDS.includes(k)) fail(`${id(o)}: unknown trigger field ${k}`);
    for (const [k, v] of Object.entries(t.metadata ?? {})) if (typeof v !== 'string') fail(`${id(o)}: trigger metadata.${k} must be a string`);
  }
  const ref = o.spec?.scaleTargetRef;
  if (ref && !objects.some((x) => x.kind === (ref.kind ?? 'Deployment') && x.metadata?.name === ref.name)) {
    fail(`${id(o)}: scaleTargetRef ${ref.kind ?? 'Deployment'}/${ref.name} is not rendered`);
  }
}

function checkReferences(readme) {
  const section = readme.split(/^## /m).find((s) => s.startsWith('What the cluster must provide')) ?? '';
  const documented = new Set([...section.matchAll(/`([a-z0-9.-]+)`/g)].map((m) => m[1]));
  const rendered = new Set(objects.map((o) => `${o.kind}/${o.metadata?.name}`));
  const wanted = new Map(); // "Kind/name" -> first user
  const ports = [];
  const want = (kind, name, by) => { if (name && !wanted.has(`${kind}/${name}`)) wanted.set(`${kind}/${name}`, by); };
  for (const o of objects) {
    const pod = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        want('Secret', e.valueFrom?.secretKeyRef?.name, id(o));
        want('ConfigMap', e.valueFrom?.configMapKeyRef?.name, id(o));
        const url = /^(?:https?|tls|nats):\/\/([a-z0-9-]+)(?:\.[a-z0-9-]+)*:?(\d*)/.exec(e.value ?? '');
        const hostPort = url ?? /^([a-z][a-z0-9-]*):(\d+)$/.exec(e.value ?? '');
        if (hostPort && hostPort[1] !== 'localhost' && !/^\d/.test(hostPort[1])) {
          want('Service', hostPort[1], id(o));
          if (hostPort[2]) ports.push({ service: hostPort[1], port: Number(hostPort[2]), by: `${id(o)} env ${e.name}` });
        }
      }
      for (const e of c.envFrom ?? []) {
        want('Secret', e.secretRef?.name, id(o));
        want('ConfigMap', e.configMapRef?.name, id(o));
      }
    }
    for (const v of pod?.volumes ?? []) {
      want('Secret', v.secret?.secretName, id(o));
      want('ConfigMap', v.configMap?.name, id(o));
      want('PersistentVolumeClaim', v.persistentVolumeClaim?.claimName, id(o));
    }
    if (o.kind === 'TriggerAuthentication') for (const s of o.spec?.secretTargetRef ?? []) want('Secret', s.name, id(o));
    if (o.kind === 'ScaledObject') for (const t of o.spec?.triggers ?? []) want('TriggerAuthentication', t.authenticationRef?.name, id(o));
    if (o.kind === 'StatefulSet') want('Service', o.spec?.serviceName, id(o));
  }
  for (const { service, port, by } of ports) {
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === service);
    if (svc && !svc.spec.ports.some((p) => p.port === port)) fail(`${by}: Service/${service} has no port ${port}`);
  }
  for (const [ref, by] of wanted) {
    if (rendered.has(ref)) continue;
    const name = ref.split('/')[1];
    // A StatefulSet's volumeClaimTemplates make their own claims.
    if (ref.startsWith('PersistentVolumeClaim/')) { fail(`${by} refers to ${ref}, which is not rendered`); continue; }
    if (!documented.has(name)) fail(`${by} refers to ${ref}: neither rendered nor documented in deploy/README.md ("What the cluster must provide")`);
  }
}
